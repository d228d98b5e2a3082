/**
 * Half a year of a Jira service desk as its webhooks (Jira Cloud's shapes, test/support/jira-payloads.ts):
 * issues reported every few days, customers' comments, agents' answers, waiting for the customer,
 * escalations, resolving, some reopened and resolved again, some deleted; deliveries replayed with
 * a new delivery id (as a tracker's "redeliver" of a failed one does) or resent with the same one.
 * Seeded, so every run tells the same stories, placed back from the `now` it is given.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { commentCreated, fieldChanged, issueCreated, type JiraIssueFields } from './jira-payloads.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from './shipped-config.js';

export const STORY_ZONE = 'Europe/Amsterdam';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Delivery {
  readonly issueId: string;
  readonly body: object;
  readonly deliveryId: string;
}

/** The contract the stories are measured against (write it as `contracts/mb-support.yaml`). */
export const STORY_CONTRACT = `
customer: Mega Bite support
calendar: nl-office
priority_calendars: { P1: nl-24x7 }
covers:
  - { source: jira-demo, project: MB }
metrics:
  reaction:
    met_by: [agent_comment, resolved]
    pauses_on: [waiting for customer]
  resolution:
    met_by: [resolved]
    pauses_on: [waiting for customer]
policies:
  reaction: { P1: 1h, P2: 4h, P3: 1d, P4: 2d }
  resolution: { P1: 8h, P2: 2d, P3: 5d, P4: 10d }
`;

/** A config directory's files for the stories: the shipped calendars and Jira source, and the contract above. */
export function storyConfigFiles(extra: Record<string, string> = {}): Record<string, string> {
  const shipped = (name: string) => readFileSync(path.join(SHIPPED_CONFIG_DIR, name), 'utf8');
  return {
    'calendars/nl-office.yaml': shipped('calendars/nl-office.yaml'),
    'calendars/nl-24x7.yaml': shipped('calendars/nl-24x7.yaml'),
    'sources/jira-demo.yaml': shipped('sources/jira-demo.yaml'),
    'contracts/mb-support.yaml': STORY_CONTRACT,
    ...extra,
  };
}

/** A small seeded generator (mulberry32): the same stories on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => DateTime.fromMillis(ms, { zone: STORY_ZONE }).toISO()!;
const AGENT = { name: 'Ann', email: 'ann@megabite.example' };
const CUSTOMER = { name: 'Carl', email: 'carl@customer.example' };
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low'];

/**
 * The deliveries of `count` issues created from about half a year before `now` until a day before
 * it, in the order Jira sends them, every event at least an hour before `now`.
 */
export function jiraStories(now: number, count = 36, seed = 20261201): Delivery[] {
  const random = seeded(seed);
  const chance = (p: number) => random() < p;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min));
  const deliveries: Delivery[] = [];
  const latest = now - HOUR;
  let sequence = 0;
  for (let n = 0; n < count; n += 1) {
    const id = String(81000 + n);
    const created = now - DAY - Math.round(((count - n) / count) * 180 * DAY) - between(0, 12) * HOUR;
    const fields: JiraIssueFields & { priority: string; status: string } = { id, key: `MB-${900 + n}`, summary: `Issue ${n}`, created: iso(created), priority: PRIORITIES[between(0, 4)]!, status: 'Open' };
    let at = created;
    const later = (minMinutes: number, maxMinutes: number) => (at = Math.min(at + between(minMinutes, maxMinutes) * MINUTE, latest));
    const send = (body: object) => {
      deliveries.push({ issueId: id, body, deliveryId: randomUUID() });
      // A failed delivery redelivered by hand: a new delivery id for the same events.
      if (chance(0.25)) deliveries.push({ issueId: id, body, deliveryId: randomUUID() });
      // A retry with the same id, answered as a duplicate.
      if (chance(0.1)) deliveries.push(deliveries[deliveries.length - 1]!);
    };
    const change = (field: 'status' | 'priority', to: string) => {
      const from = fields[field];
      fields[field] = to;
      sequence += 1;
      send(fieldChanged({ ...fields }, iso(later(5, 600)), field, from, to, String(20000 + sequence)));
    };
    const comment = (author: typeof AGENT) => {
      sequence += 1;
      send(commentCreated({ ...fields }, iso(later(5, 900)), author, String(30000 + sequence)));
    };

    send(issueCreated({ ...fields }));
    for (let i = between(0, 3); i > 0; i -= 1) comment(CUSTOMER);
    if (chance(0.2)) change('priority', PRIORITIES[between(0, 4)]!);
    if (chance(0.8)) comment(AGENT);
    if (chance(0.4)) {
      change('status', 'Waiting for customer');
      comment(CUSTOMER);
      change('status', 'In Progress');
    }
    for (let i = between(0, 3); i > 0; i -= 1) comment(chance(0.5) ? AGENT : CUSTOMER);
    if (chance(0.08)) {
      sequence += 1;
      send({ ...issueCreated({ ...fields }), timestamp: later(60, 3000), webhookEvent: 'jira:issue_deleted', issue_event_type_name: 'issue_deleted' });
      continue;
    }
    // The last few issues are still being worked on.
    if (n >= count - 4 || chance(0.1)) continue;
    change('status', 'Done');
    if (chance(0.2)) {
      comment(CUSTOMER);
      change('status', 'In Progress');
      comment(AGENT);
      change('status', 'Done');
    }
    if (chance(0.3)) comment(CUSTOMER);
  }
  return deliveries;
}

/** The headers of a Jira Cloud delivery signed with the demo secret. */
export function jiraHeaders(raw: Buffer, deliveryId: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': deliveryId, ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
}
