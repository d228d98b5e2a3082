/**
 * Sample notifications and channel settings shared by the chat tests. The table covers what changes
 * a message's shape: each kind, both languages, a late delivery, a long unicode title, no assignee,
 * no issue link, and a negative remaining time.
 */
import type { ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';

/** Monday 30 November 2026, 13:00 in Amsterdam. */
export const DEADLINE = Date.parse('2026-11-30T12:00:00Z');

export const BASE: SlaNotification = {
  id: 'notify-3f2a9c1e0b7d4e5f8a6b2c1d0e9f8a7b',
  kind: 'warning',
  threshold: '75%',
  language: 'en',
  customer: 'Mega Bite SLA customer',
  contract: 'megabite-standard',
  tracker: { kind: 'jira', name: 'Jira', source: 'jira-demo' },
  issue: { id: '10042', key: 'MB-42', title: 'Checkout returns 502', url: 'https://jira.example.com/browse/MB-42' },
  priority: { effective: 'P1', reason: 'P1 as set in the tracker' },
  metric: 'reaction',
  deadline: DEADLINE,
  zone: 'Europe/Amsterdam',
  remainingMs: 5_400_000,
  assignee: 'Jan de Vries',
  firedAt: DEADLINE - 5_400_000,
};

export const LONG_UNICODE_TITLE = 'Betaling mislukt 💳🇳🇱 — 決済エラー 👩🏽‍💻 & <retry> '.repeat(80);

export interface Sample {
  readonly name: string;
  readonly notification: SlaNotification;
}

export const SAMPLES: readonly Sample[] = [
  { name: 'warning at 75%, English', notification: BASE },
  {
    name: 'warning 2h before, Dutch, Gitea issue',
    notification: {
      ...BASE,
      threshold: '2h before',
      language: 'nl',
      customer: 'Open2Bizz SaaS customer',
      contract: 'open2bizz-saas',
      tracker: { kind: 'gitea', name: 'Gitea', source: 'gitea-demo' },
      issue: { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7', title: 'Factuur-PDF blijft leeg', url: 'https://gitea.example.com/open2bizz/odoo-customer/issues/7' },
      metric: 'resolution',
      remainingMs: 7_200_000,
    },
  },
  {
    name: 'breach, English, overdue',
    notification: { ...BASE, kind: 'breach', threshold: 'breach', remainingMs: -8_100_000, firedAt: DEADLINE + 8_100_000 },
  },
  {
    name: 'breach, Dutch, MantisBT without a link, clamped priority',
    notification: {
      ...BASE,
      kind: 'breach',
      threshold: 'breach',
      language: 'nl',
      tracker: { kind: 'mantis', name: 'MantisBT', source: 'mantis-demo' },
      issue: { id: '42', key: '42', title: 'Inloggen lukt niet op test' },
      priority: { effective: 'P4', reason: 'clamped to P4: test environment' },
      metric: 'response',
      remainingMs: 0,
    },
  },
  {
    name: 'escalation 2, English, Forgejo',
    notification: {
      ...BASE,
      kind: 'escalation',
      threshold: 'escalation 2',
      tracker: { kind: 'forgejo', name: 'Forgejo', source: 'forgejo-demo' },
      issue: { id: 'ops/portal#3', key: 'ops/portal#3', title: 'Portal down', url: 'https://forgejo.example.com/ops/portal/issues/3' },
      metric: 'resolution',
      remainingMs: -36_000_000,
    },
  },
  {
    name: 'escalation 1, Dutch, unassigned',
    notification: { ...BASE, kind: 'escalation', threshold: 'escalation 1', language: 'nl', remainingMs: -3_600_000, assignee: null },
  },
  {
    name: 'late warning, English, standing for a missed one',
    notification: { ...BASE, threshold: '90%', late: { byMs: 720_000, skipped: ['75%'] }, remainingMs: 1_440_000, assignee: null },
  },
  {
    name: 'late breach, Dutch',
    notification: { ...BASE, kind: 'breach', threshold: 'breach', language: 'nl', late: { byMs: 2_700_000 }, remainingMs: -2_700_000 },
  },
  {
    name: 'long unicode title, Dutch, unassigned',
    notification: { ...BASE, language: 'nl', issue: { ...BASE.issue, title: LONG_UNICODE_TITLE }, assignee: null },
  },
];

/** One valid setting per channel kind; the type makes a new kind without a sample a compile error. */
export const SAMPLE_CONFIGS: { readonly [K in ChatChannelKind]: unknown } = {
  slack: { url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' },
  teams: {
    url: 'https://default0a1b.2c.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/abc123/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=s1gn4ture',
  },
  mattermost: { url: 'https://chat.example.com/hooks/xyz123', channel: 'sla-alerts', username: 'sla-bridge' },
  'google-chat': { url: 'https://chat.googleapis.com/v1/spaces/AAAAbcd/messages?key=k3y-Value&token=t0k%3D' },
  webhook: { url: 'https://ops.example.com/hooks/sla', secret: 'webhook-test-secret' },
  console: {},
};

/** Every string anywhere in a parsed JSON value, for "the message mentions X" checks. */
export function stringsIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, found);
  return found;
}
