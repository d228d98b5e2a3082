/**
 * The time the demo books on its Jira issue, as Jira Cloud's `worklog_created` webhook carries it
 * (the worklog alone, naming its issue by id; field names as in test/fixtures/jira/worklog-created.json),
 * signed with the source's secret.
 */
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { ConnectorRegistry } from '../../connectors/connector.js';
import type { Source } from '../config/source.js';

export interface SampleWorklog {
  readonly source: string;
  readonly issueKey: string;
  readonly seconds: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** 1h30m on the Jira demo issue, from the first Jira source; none without one. */
export function sampleWorklog(connectors: ConnectorRegistry, sources: Iterable<Source>, now: DateTime): SampleWorklog | undefined {
  const source = [...sources].find((candidate) => candidate.kind === 'jira');
  const connector = connectors.jira;
  const demo = connector?.demo;
  if (!source || !connector || !demo) return undefined;
  const seconds = 90 * 60;
  const stamp = now.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");
  const payload = {
    timestamp: now.toMillis(),
    webhookEvent: 'worklog_created',
    worklog: {
      id: '95001',
      issueId: demo.issueId,
      author: { accountId: 'demo-agent', displayName: 'Demo Agent', emailAddress: 'agent@demo.example' },
      comment: 'Looked into the failing payments',
      created: stamp,
      updated: stamp,
      started: stamp,
      timeSpent: '1h 30m',
      timeSpentSeconds: seconds,
    },
  };
  const body = Buffer.from(JSON.stringify(payload));
  return {
    source: source.id,
    issueKey: demo.issueKey,
    seconds,
    body,
    headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...connector.sign(source.secrets[0]!, body, source) },
  };
}
