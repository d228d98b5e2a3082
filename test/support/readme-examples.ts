/**
 * The examples the README shows, rendered by the code that produces them in production: the chat
 * messages and the requests that put deadlines into each tracker. test/readme-examples.test.ts
 * keeps the README equal to them; `npm run readme:examples` prints them after a change.
 */
import { chatChannels } from '../../connectors/chat/registry.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { isHttpPost } from '../../connectors/chat/chat-channel.js';
import { type IssueRef, type TrackerLookup, connectorOf } from '../../connectors/connector.js';
import { trackerConnectors } from '../../connectors/registry.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import type { WriteBackFields } from '../../src/domain/write-back-fields.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import type { Source } from '../../src/config/source.js';

/** An Open2Bizz P1 on Monday 30 November 2026, reported at 14:30: react by 16:30, fix by Wednesday 14:30. */
const BREACH: SlaNotification = {
  id: 'notify-readme-example',
  kind: 'breach',
  threshold: 'breach',
  language: 'nl',
  customer: 'Open2Bizz klant',
  contract: 'open2bizz-saas',
  tracker: { kind: 'gitea', name: 'Gitea', source: 'gitea-demo' },
  issue: { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7', title: 'Odoo is traag', url: 'https://gitea.example.com/open2bizz/odoo-customer/issues/7' },
  priority: { effective: 'P1', reason: 'P1 as set in the tracker' },
  metric: 'reaction',
  deadline: Date.parse('2026-11-30T16:30:00+01:00'),
  zone: 'Europe/Amsterdam',
  remainingMs: -5_400_000,
  assignee: null,
  firedAt: Date.parse('2026-11-30T18:00:00+01:00'),
};

const AT_RISK: WriteBackFields = {
  deadlines: { reaction: Date.parse('2026-11-30T16:30:00+01:00'), response: null, resolution: Date.parse('2026-12-02T14:30:00+01:00') },
  zone: 'Europe/Amsterdam',
  nearest: Date.parse('2026-11-30T16:30:00+01:00'),
  atRisk: true,
  breached: false,
  breachedMetrics: [],
};

function source(id: string, file: Record<string, unknown>): Source {
  return parseSource(id, { webhook: { secrets: ['secret'] }, api: { token: 'token' }, priority: { field: 'priority', map: {}, default: 'P3' }, ...file }, PLUGINS.trackers);
}

/** Gitea's label ids, as `GET /repos/{owner}/{repo}/labels` lists them. */
const giteaLabels: TrackerLookup = async () => [
  { id: 11, name: 'sla/at-risk' },
  { id: 12, name: 'sla/breached' },
];

/** GitHub's answer to the Project query: the project, its Date field, and the issue's item, without a date yet. */
const githubProject: TrackerLookup = async () => ({
  data: {
    repository: { issue: { id: 'I_kwDOM2ucVc7Wq007', projectItems: { nodes: [{ id: 'PVTI_lADOB6677c4A1b2czgXyZ01', project: { id: 'PVT_kwDOB6677c4A1b2c' }, fieldValueByName: null }] } } },
    repositoryOwner: { projectV2: { id: 'PVT_kwDOB6677c4A1b2c', field: { id: 'PVTF_lADOB6677c4A1b2czgP0Q7s', name: 'SLA due', dataType: 'DATE' } } },
  },
});

const TRACKERS: { name: string; source: Source; issue: IssueRef; lookup?: TrackerLookup }[] = [
  {
    name: 'jira',
    source: source('jira-demo', {
      kind: 'jira',
      base_url: 'https://jira.example.com',
      api: { token: 'token', user: 'sla-bot@example.com' },
      write_back: { enabled: true, fields: { reaction: 'customfield_10060', resolution: 'customfield_10061' }, due_date: true },
    }),
    issue: { id: '10042', key: 'MB-42' },
  },
  {
    name: 'gitea',
    source: source('gitea-demo', {
      kind: 'gitea',
      base_url: 'https://gitea.example.com',
      priority: { field: 'labels', map: {}, default: 'P3' },
      write_back: { enabled: true, due_date: true, labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' } },
    }),
    issue: { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7' },
    lookup: giteaLabels,
  },
  {
    name: 'github',
    source: source('github-demo', {
      kind: 'github',
      base_url: 'https://github.com',
      priority: { field: 'labels', map: {}, default: 'P3' },
      write_back: { enabled: true, labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' }, due_date: true, project: { owner: 'open2bizz', number: 3, field: 'SLA due' } },
    }),
    issue: { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7' },
    lookup: githubProject,
  },
  {
    name: 'gitlab',
    source: source('gitlab-demo', {
      kind: 'gitlab',
      base_url: 'https://gitlab.example.com',
      priority: { field: 'labels', map: {}, default: 'P3' },
      write_back: { enabled: true, due_date: true, labels: { at_risk: 'sla::at-risk', breached: 'sla::breached' } },
    }),
    issue: { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7' },
  },
  {
    name: 'mantis',
    source: source('mantis-demo', {
      kind: 'mantis',
      base_url: 'https://mantis.example.com',
      write_back: { enabled: true, fields: { reaction: 'SLA reaction', resolution: 'SLA resolution' }, due_date: true },
    }),
    issue: { id: '42', key: '42' },
  },
];

const pretty = (body: OutboundRequest['body']) => (body === undefined || body === '' ? '' : `\n${JSON.stringify(typeof body === 'string' ? JSON.parse(body) : body, null, 2)}`);
const shown = (request: OutboundRequest) => `${request.method} ${request.url}${pretty(request.body)}`;

export async function readmeExamples(): Promise<Record<string, string>> {
  const examples: Record<string, string> = {};
  examples['console-breach'] = (chatChannels.console.buildRequest({}, BREACH) as { log: string }).log;
  const slack = chatChannels.slack.buildRequest({ url: 'https://hooks.slack.com/services/T000/B000/XXXX' } as never, BREACH);
  if (!isHttpPost(slack)) throw new Error('slack builds an HTTP request');
  examples['slack-breach'] = JSON.stringify(JSON.parse(slack.body), null, 2);
  const nothingToLookUp: TrackerLookup = async (request) => {
    throw new Error(`the example looks nothing up: ${request.description}`);
  };
  for (const { name, source: tracker, issue, lookup } of TRACKERS) {
    const requests = await connectorOf(trackerConnectors, tracker.kind).writeBack(tracker, issue, AT_RISK, undefined, lookup ?? nothingToLookUp);
    examples[`${name}-write-back`] = requests.map(shown).join('\n\n');
  }
  return examples;
}

if (process.argv[1]?.endsWith('readme-examples.ts')) {
  for (const [name, text] of Object.entries(await readmeExamples())) console.log(`<!-- example:${name} -->\n${text}\n`);
}
