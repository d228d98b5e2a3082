/**
 * The benchmarks' webhooks: the recorded Jira Cloud `jira:issue_created` delivery
 * (test/fixtures/jira/issue-created.json, project MB of the shipped megabite-standard contract),
 * each a new issue with its own id, key, delivery id and signature.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { trackerConnectors } from '../../connectors/registry.js';
import { projectRoot } from '../../src/project-root.js';
import { jiraTime } from '../../test/support/jira-payloads.js';

interface Fixture {
  readonly headers: Record<string, string>;
  readonly body: { timestamp: number; issue: { id: string; key: string; self: string; fields: { created: string; updated: string } } };
}

const fixture = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/jira/issue-created.json'), 'utf8')) as Fixture;

export interface SignedWebhook {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Issue `index` (id 500000+index, key MB-<index>), created at `createdAt`, signed with `secret`. */
export function issueCreatedWebhook(index: number, createdAt: number, secret: string): SignedWebhook {
  const body = structuredClone(fixture.body);
  const id = String(500_000 + index);
  body.timestamp = createdAt;
  body.issue.id = id;
  body.issue.key = `MB-${index}`;
  body.issue.self = body.issue.self.replace(/\/\d+$/, `/${id}`);
  const created = jiraTime(new Date(createdAt).toISOString());
  body.issue.fields.created = created;
  body.issue.fields.updated = created;
  const raw = Buffer.from(JSON.stringify(body));
  return { body: raw, headers: { ...fixture.headers, 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(secret, raw) } };
}

export function issueCreatedWebhooks(count: number, first: number, createdAt: number, secret: string): SignedWebhook[] {
  return Array.from({ length: count }, (_, offset) => issueCreatedWebhook(first + offset, createdAt, secret));
}
