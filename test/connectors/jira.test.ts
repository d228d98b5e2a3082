/**
 * The Jira connector on recorded-style Jira Cloud deliveries (test/fixtures/jira), written from
 * Atlassian's documentation with Jira's field names, against the shipped jira-demo source. Times are
 * Europe/Amsterdam on Monday 30 November 2026 (+01:00).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Normalized, WebhookDelivery } from '../../connectors/connector.js';
import { jiraConnector, type JiraPayload } from '../../connectors/jira/index.js';
import { parseJiraDateTime } from '../../connectors/jira/jira-date-time.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { parseLocalIso } from '../../src/domain/local-time.js';
import { projectRoot } from '../../src/project-root.js';
import { DEMO_SECRETS, shippedConfig } from '../support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;
const SECRET = DEMO_SECRETS.JIRA_WEBHOOK_SECRET;
const FIXTURE_DIR = path.join(projectRoot(), 'test/fixtures/jira');

type Json = Record<string, any>;
interface Fixture {
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly body: Json;
}

function jiraDemo(): Source {
  const source = shippedConfig().sources.get('jira-demo');
  if (!source) throw new Error('the shipped config has no jira-demo source');
  return source;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Fixture;
}

/** A fixture's body as a fresh object, to change for a case the fixtures do not cover. */
const bodyOf = (name: string): Json => fixture(name).body;

function signed(body: unknown, headers: Record<string, string> = {}, secret = SECRET): WebhookDelivery {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { headers: { ...headers, ...jiraConnector.sign(secret, rawBody) }, rawBody };
}

function normalizeBody(body: unknown, source = jiraDemo()): Normalized {
  const delivery = signed(body);
  const payload: JiraPayload = jiraConnector.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
  return jiraConnector.normalize(source, payload, delivery);
}

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`expected events, got ignored: ${normalized.reason}`);
  return normalized.events;
}

const MB42 = { id: '10042', key: 'MB-42', title: 'Checkout returns 502 for every order', url: 'https://jira.example.com/browse/MB-42' };
const WORKLOG_ISSUE = { id: '10042', key: '10042', partial: true };
const worklogged = (local: string, seconds: number) => ({ type: 'time_logged' as const, at: at(local), recordId: 'jira-worklog:10210', seconds, author: '712020:5a1c7e2b-93f4-4d0e-8b6a-2f9d1c3e7a41' });
const MB43 = { id: '10043', key: 'MB-43', title: 'Invoice PDF shows the wrong VAT rate', url: 'https://jira.example.com/browse/MB-43' };

type CreatedEvent = Extract<IssueEvent, { type: 'created' }>;
const mb42Created = (changes: Partial<CreatedEvent> = {}): CreatedEvent => ({
  type: 'created',
  at: at('2026-11-30T09:00'),
  project: 'MB',
  component: 'Checkout',
  labels: ['webshop'],
  environment: null,
  priority: 'P1',
  status: 'Open',
  paused: false,
  title: MB42.title,
  assignee: null,
  synthetic: true,
  ...changes,
});
/** MB-42 once Sanne has it and the customer has said it is the test shop. */
const mb42Working = (changes: Partial<CreatedEvent> = {}) =>
  mb42Created({ labels: ['env-test', 'webshop'], environment: 'test', status: 'In Progress', assignee: 'Sanne Visser', ...changes });
const mb43Created = (changes: Partial<CreatedEvent> = {}): CreatedEvent => ({
  type: 'created',
  at: at('2026-11-30T10:00'),
  project: 'MB',
  component: undefined,
  labels: [],
  environment: null,
  priority: 'P3',
  status: 'Open',
  paused: false,
  title: MB43.title,
  assignee: null,
  synthetic: true,
  ...changes,
});

type ObservedEvent = Extract<IssueEvent, { type: 'observed' }>;
/** How an update or a comment showed MB-42 (the payload's fields after the change). */
const seen = (when: string, fields: Partial<ObservedEvent> = {}): ObservedEvent => ({
  type: 'observed',
  at: at(when),
  status: 'Open',
  paused: false,
  resolved: false,
  priority: 'P1',
  assignee: 'Sanne Visser',
  ...fields,
});

describe('Jira connector', () => {
  describe('normalize: each fixture gives exactly these events', () => {
    const cases: [fixture: string, expected: Normalized][] = [
      [
        'issue-created',
        // The creation payload is the issue as created: the real event, besides the usual synthetic one.
        { outcome: 'events', issue: MB42, events: [mb42Created(), mb42Created({ synthetic: false })] },
      ],
      [
        'issue-updated-assignee',
        {
          outcome: 'events',
          issue: MB42,
          events: [mb42Created(), { type: 'assigned', at: at('2026-11-30T09:04:10.250'), assignee: 'Sanne Visser' }, seen('2026-11-30T09:04:10.250')],
        },
      ],
      [
        // Cloud's comment events carry a trimmed issue without `created`: no synthetic creation.
        'comment-created-agent',
        {
          outcome: 'events',
          issue: MB42,
          events: [{ type: 'commented', at: at('2026-11-30T09:12:31.118'), by: 'agent', public: true }, seen('2026-11-30T09:12:31.118')],
        },
      ],
      [
        'issue-updated-labels',
        {
          outcome: 'events',
          issue: MB42,
          events: [
            mb42Created({ status: 'In Progress', assignee: 'Sanne Visser' }),
            { type: 'labels_changed', at: at('2026-11-30T09:30:05.871'), labels: ['env-test', 'webshop'] },
            { type: 'environment_changed', at: at('2026-11-30T09:30:05.871'), environment: 'test' },
            seen('2026-11-30T09:30:05.871', { status: 'In Progress' }),
          ],
        },
      ],
      [
        'issue-updated-waiting-for-customer',
        {
          outcome: 'events',
          issue: MB42,
          events: [
            mb42Working(),
            { type: 'status_changed', at: at('2026-11-30T09:45:00.733'), status: 'Waiting for customer', paused: true },
            seen('2026-11-30T09:45:00.733', { status: 'Waiting for customer', paused: true }),
          ],
        },
      ],
      [
        'comment-created-customer',
        {
          outcome: 'events',
          issue: MB42,
          events: [
            { type: 'commented', at: at('2026-11-30T10:02:17.560'), by: 'customer', public: true },
            seen('2026-11-30T10:02:17.560', { status: 'Waiting for customer', paused: true }),
          ],
        },
      ],
      [
        'issue-updated-internal-comment',
        {
          outcome: 'events',
          issue: MB42,
          events: [mb42Working(), { type: 'commented', at: at('2026-11-30T10:15:42.009'), by: 'agent', public: false }, seen('2026-11-30T10:15:42.009', { status: 'In Progress' })],
        },
      ],
      [
        // The synthetic creation is the issue before the escalation, so Highest counts from 10:20 only.
        'issue-updated-priority',
        {
          outcome: 'events',
          issue: MB43,
          events: [mb43Created(), { type: 'priority_changed', at: at('2026-11-30T10:20:44.318'), priority: 'P1' }, seen('2026-11-30T10:20:44.318', { assignee: null })],
        },
      ],
      [
        'issue-updated-done',
        {
          outcome: 'events',
          issue: MB42,
          events: [
            mb42Working(),
            { type: 'status_changed', at: at('2026-11-30T14:30:12.377'), status: 'Done', paused: false },
            { type: 'resolved', at: at('2026-11-30T14:30:12.377'), status: 'Done' },
            seen('2026-11-30T14:30:12.377', { status: 'Done', resolved: true }),
          ],
        },
      ],
      [
        'issue-updated-reopened',
        {
          outcome: 'events',
          issue: MB42,
          events: [
            mb42Working({ status: 'Done' }),
            { type: 'status_changed', at: at('2026-11-30T16:10:03.150'), status: 'Reopened', paused: false },
            { type: 'reopened', at: at('2026-11-30T16:10:03.150'), status: 'Reopened' },
            seen('2026-11-30T16:10:03.150', { status: 'Reopened' }),
          ],
        },
      ],
      [
        'issue-updated-moved',
        {
          outcome: 'events',
          issue: { id: '10044', key: 'MB-44', title: 'Portal login loops back to the start page', url: 'https://jira.example.com/browse/MB-44' },
          events: [
            mb43Created({ at: at('2026-11-27T16:45'), project: 'SUP', priority: 'P2', title: 'Portal login loops back to the start page' }),
            { type: 'moved', at: at('2026-11-30T11:05:27.640'), project: 'MB', component: 'Portal' },
            seen('2026-11-30T11:05:27.640', { priority: 'P2', assignee: null }),
          ],
        },
      ],
      [
        'issue-deleted',
        { outcome: 'events', issue: MB43, events: [mb43Created({ priority: 'P1' }), { type: 'deleted', at: at('2026-11-30T17:00:09.902') }] },
      ],
      // The worklog names its issue by id only; the time record is stamped with the worklog's `updated`.
      ['worklog-created', { outcome: 'events', issue: WORKLOG_ISSUE, events: [worklogged('2026-11-30T17:30', 5400)] }],
      ['worklog-updated', { outcome: 'events', issue: WORKLOG_ISSUE, events: [worklogged('2026-11-30T18:00', 7200)] }],
      // Deleted: the record taken back at the delivery's time.
      ['worklog-deleted', { outcome: 'events', issue: WORKLOG_ISSUE, events: [worklogged('2026-11-30T19:00', 0)] }],
    ];

    for (const [name, expected] of cases) {
      it(`${name}: ${fixture(name).description}`, () => {
        expect(normalizeBody(bodyOf(name))).to.deep.equal(expected);
      });
    }

    it('covers every fixture file, and each gives events the engine accepts, none twice', () => {
      const files = readdirSync(FIXTURE_DIR)
        .filter((file) => file.endsWith('.json'))
        .map((file) => path.basename(file, '.json'));
      expect(files).to.have.members(cases.map(([name]) => name));
      for (const name of files) {
        const normalized = normalizeBody(bodyOf(name));
        if (normalized.outcome === 'ignored') continue;
        for (const event of normalized.events) expect(() => issueEventSchema.parse(event), `${name}: ${JSON.stringify(event)}`).not.to.throw();
        const keys = normalized.events.map((event) => JSON.stringify(event));
        expect(new Set(keys).size, name).to.equal(keys.length);
      }
    });
  });

  describe('normalize: cases beyond the fixtures', () => {
    it("ignores the bridge's own comments (api.user), so a breach comment meets nothing", () => {
      const body = bodyOf('comment-created-agent');
      body.comment.author = { accountId: 'bot-1', displayName: 'SLA bot', emailAddress: 'sla-bot@megabite.example' };
      const bridgeUser: Source = { ...jiraDemo(), apiUser: 'sla-bot@megabite.example' };
      expect(eventsOf(normalizeBody(body, bridgeUser)).filter((event) => event.type === 'commented')).to.deep.equal([]);
      expect(eventsOf(normalizeBody(body)).filter((event) => event.type === 'commented')).to.have.length(1);
    });

    it('a comment_created with the whole issue (Jira Data Center) also brings the synthetic creation', () => {
      const body = { ...bodyOf('comment-created-agent'), issue: bodyOf('issue-updated-assignee').issue };
      expect(eventsOf(normalizeBody(body))).to.deep.equal([
        mb42Created({ assignee: 'Sanne Visser' }),
        { type: 'commented', at: at('2026-11-30T09:12:31.118'), by: 'agent', public: true },
        seen('2026-11-30T09:12:31.118'),
      ]);
    });

    describe('a comment_created without an issue (Jira Server and Data Center)', () => {
      const withoutIssue = (self: unknown) => {
        const { issue: _issue, ...body } = bodyOf('comment-created-agent');
        return { ...body, comment: { ...body.comment, self } };
      };
      const agentComment = { type: 'commented', at: at('2026-11-30T09:12:31.118'), by: 'agent', public: true };

      const selfLinks: [self: string, issueId: string][] = [
        ['https://jira.example.com/rest/api/2/issue/10013/comment/10001', '10013'],
        ['https://jira.example.com/rest/api/3/issue/10013/comment/10001', '10013'],
        ['https://jira.example.com/rest/api/latest/issue/10013/comment/10001', '10013'],
        ['https://intranet.example.com/jira/rest/api/2/issue/26313/comment/31039', '26313'],
        ['https://jira.example.com/rest/api/2/issue/10013/comment/10001/', '10013'],
      ];
      for (const [self, issueId] of selfLinks) {
        it(`is the comment of the issue ${self} names, known by its id only`, () => {
          expect(normalizeBody(withoutIssue(self))).to.deep.equal({ outcome: 'events', issue: { id: issueId, key: issueId, partial: true }, events: [agentComment] });
        });
      }

      const unusable: [name: string, self: unknown][] = [
        ['no self link', undefined],
        ['a self link with the issue key instead of its id', 'https://jira.example.com/rest/api/2/issue/MB-42/comment/10001'],
        ['a self link that is no comment', 'https://jira.example.com/rest/api/2/issue/10013'],
        ['an empty self link', ''],
      ];
      for (const [name, self] of unusable) {
        it(`is refused with the field when it has ${name}: nothing tells which issue it is on`, () => {
          const result = jiraConnector.payloadSchema.safeParse(withoutIssue(self));
          expect(result.success).to.equal(false);
          expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['comment.self']);
        });
      }

      it("ignores the bridge's own comment, so it starts no issue", () => {
        const body = withoutIssue('https://jira.example.com/rest/api/2/issue/10013/comment/10001');
        body.comment.author = { accountId: 'bot-1', displayName: 'SLA bot', emailAddress: 'sla-bot@megabite.example' };
        expect(normalizeBody(body, { ...jiraDemo(), apiUser: 'sla-bot@megabite.example' })).to.deep.equal({ outcome: 'ignored', reason: 'a comment by the bridge itself (api.user)' });
      });

      it('prefers the issue object when both are there', () => {
        const body = { ...bodyOf('comment-created-agent') };
        body.comment = { ...body.comment, self: 'https://jira.example.com/rest/api/2/issue/99999/comment/1' };
        expect(normalizeBody(body)).to.deep.include({ issue: MB42 });
      });
    });

    it('reads fields Jira leaves null as absent', () => {
      const body = bodyOf('issue-updated-assignee');
      Object.assign(body.issue.fields, { labels: null, components: null, summary: null });
      Object.assign(body, { issue_event_type_name: null });
      body.changelog.items[0].fieldId = null;
      const events = eventsOf(normalizeBody(body));
      expect(events[0]).to.deep.include({ type: 'created', labels: [], component: undefined, title: undefined });
      expect(events[1]).to.deep.equal({ type: 'assigned', at: at('2026-11-30T09:04:10.250'), assignee: 'Sanne Visser' });
    });

    it('an edited comment is no new reaction', () => {
      const body = { ...bodyOf('issue-updated-internal-comment'), issue_event_type_name: 'issue_comment_edited' };
      expect(eventsOf(normalizeBody(body))).to.deep.equal([mb42Working(), seen('2026-11-30T10:15:42.009', { status: 'In Progress' })]);
    });

    it('a comment restricted to a role is not public', () => {
      const body = bodyOf('comment-created-agent');
      body.comment = { ...body.comment, jsdPublic: undefined, visibility: { type: 'role', value: 'Developers', identifier: 'Developers' } };
      expect(eventsOf(normalizeBody(body))).to.deep.equal([{ type: 'commented', at: at('2026-11-30T09:12:31.118'), by: 'agent', public: false }, seen('2026-11-30T09:12:31.118')]);
    });

    it('recognises an agent by a configured user name when Jira hides the e-mail address', () => {
      const body = bodyOf('comment-created-agent');
      delete body.comment.author.emailAddress;
      const source = jiraDemo();
      expect(eventsOf(normalizeBody(body, source))[0]).to.include({ by: 'customer' });
      const withUser: Source = { ...source, agents: { ...source.agents, users: new Set(['sanne visser']) } };
      expect(eventsOf(normalizeBody(body, withUser))[0]).to.include({ by: 'agent' });
    });

    it('a later event on a resolved issue brings the resolution at its resolutiondate', () => {
      const { changelog: _changelog, ...done } = bodyOf('issue-updated-done');
      const body = { ...done, timestamp: at('2026-11-30T15:00'), issue_event_type_name: 'issue_commented', comment: bodyOf('comment-created-customer').comment };
      expect(eventsOf(normalizeBody(body))).to.deep.equal([
        mb42Working({ status: 'Done' }),
        { type: 'commented', at: at('2026-11-30T15:00'), by: 'customer', public: true },
        { type: 'resolved', at: at('2026-11-30T14:30:12.377'), status: 'Done' },
        seen('2026-11-30T15:00', { status: 'Done', resolved: true }),
      ]);
    });

    it('moving between two resolved statuses neither resolves nor reopens again', () => {
      const body = bodyOf('issue-updated-done');
      body.issue.fields.status.name = 'Closed';
      body.changelog.items = [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10001', fromString: 'Done', to: '6', toString: 'Closed' }];
      const events = eventsOf(normalizeBody(body));
      expect(events.map((event) => event.type)).to.deep.equal(['created', 'status_changed', 'resolved', 'observed']);
      expect(events[2]).to.deep.equal({ type: 'resolved', at: at('2026-11-30T14:30:12.377'), status: 'Closed' });
    });

    it('unassigning gives an assignment to nobody', () => {
      const body = bodyOf('issue-updated-assignee');
      body.issue.fields.assignee = null;
      body.changelog.items = [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: 'acc-1', fromString: 'Sanne Visser', to: null, toString: null }];
      expect(eventsOf(normalizeBody(body))).to.deep.equal([
        mb42Created({ assignee: 'Sanne Visser' }),
        { type: 'assigned', at: at('2026-11-30T09:04:10.250'), assignee: null },
        seen('2026-11-30T09:04:10.250', { assignee: null }),
      ]);
    });

    it('a priority change within one SLA priority gives no priority event', () => {
      const body = bodyOf('issue-updated-priority');
      body.issue.fields.priority.name = 'Lowest';
      body.changelog.items = [{ field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: '4', fromString: 'Low', to: '5', toString: 'Lowest' }];
      expect(eventsOf(normalizeBody(body))).to.deep.equal([mb43Created({ priority: 'P4' }), seen('2026-11-30T10:20:44.318', { priority: 'P4', assignee: null })]);
    });

    it('reads priority from labels when the source says so', () => {
      const source = jiraDemo();
      const byLabels: Source = { ...source, priority: { field: 'labels', map: new Map([['webshop', 'P2'], ['env-test', 'P4']]), default: 'P3' } };
      const events = eventsOf(normalizeBody(bodyOf('issue-updated-labels'), byLabels));
      expect(events[0]).to.include({ priority: 'P2' });
      expect(events.slice(1)).to.deep.equal([
        { type: 'labels_changed', at: at('2026-11-30T09:30:05.871'), labels: ['env-test', 'webshop'] },
        { type: 'priority_changed', at: at('2026-11-30T09:30:05.871'), priority: 'P4' },
        { type: 'environment_changed', at: at('2026-11-30T09:30:05.871'), environment: 'test' },
        seen('2026-11-30T09:30:05.871', { status: 'In Progress', priority: 'P4' }),
      ]);
    });

    it('reads the environment from a configured custom field, which wins over labels', () => {
      const source = jiraDemo();
      const byField: Source = { ...source, environment: { ...source.environment, field: 'customfield_10050' } };
      const body = bodyOf('issue-updated-waiting-for-customer');
      body.issue.fields.customfield_10050 = { self: 'https://jira.example.com/rest/api/2/customFieldOption/10101', value: 'acceptance', id: '10101' };
      body.changelog.items = [{ field: 'Environment type', fieldtype: 'custom', fieldId: 'customfield_10050', from: null, fromString: null, to: '10101', toString: 'acceptance' }];
      expect(eventsOf(normalizeBody(body, byField))).to.deep.equal([
        mb42Working({ status: 'Waiting for customer', paused: true }),
        { type: 'environment_changed', at: at('2026-11-30T09:45:00.733'), environment: 'acceptance' },
        seen('2026-11-30T09:45:00.733', { status: 'Waiting for customer', paused: true }),
      ]);
    });

    it('states only the fields a trimmed Cloud comment payload shows: no priority from a field it lacks', () => {
      const source = jiraDemo();
      const byField: Source = { ...source, priority: { ...source.priority, field: 'customfield_10070' } };
      const body = bodyOf('comment-created-agent');
      expect(Object.keys(body.issue.fields)).not.to.include('customfield_10070');
      delete body.issue.fields.assignee;
      const observed = eventsOf(normalizeBody(body, byField)).find((event) => event.type === 'observed');
      expect(observed).to.deep.equal({ type: 'observed', at: at('2026-11-30T09:12:31.118'), status: 'Open', paused: false, resolved: false });
      // The same payload with the field shows it, and the default priority is not claimed.
      body.issue.fields.customfield_10070 = { value: 'Highest' };
      expect(eventsOf(normalizeBody(body, byField)).find((event) => event.type === 'observed')).to.have.property('priority');
    });

    it('ignores other events by name, whatever they carry', () => {
      for (const webhookEvent of ['comment_updated', 'jira:version_released', 'toString']) {
        expect(normalizeBody({ timestamp: at('2026-11-30T12:00'), webhookEvent })).to.deep.equal({
          outcome: 'ignored',
          reason: `${webhookEvent}: not an event the SLA clock uses`,
        });
      }
    });
  });

  describe('payload schema', () => {
    const problems = (body: unknown) => {
      const result = jiraConnector.payloadSchema.safeParse(body);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };

    it('requires what the issue events need', () => {
      const body = bodyOf('issue-updated-priority');
      delete body.issue.fields.created;
      delete body.issue.fields.status;
      expect(problems(body)).to.deep.equal([
        'issue.fields.created: a jira:issue_updated payload needs issue.fields.created',
        'issue.fields.status: a jira:issue_updated payload needs issue.fields.status',
      ]);
      expect(problems({ timestamp: 1, webhookEvent: 'jira:issue_created' })).to.deep.equal(['issue: a jira:issue_created payload needs issue']);
      expect(problems({ timestamp: 1, webhookEvent: 'comment_created' })).to.deep.equal(['comment: a comment_created payload needs comment']);
      expect(problems({ webhookEvent: 'worklog_created' })).to.deep.equal(['timestamp: Invalid input: expected number, received undefined']);
      expect(problems({ timestamp: 1, webhookEvent: 'worklog_created', worklog: { id: '1' } })).to.deep.equal(['worklog.issueId: a worklog_created payload needs worklog.issueId']);
      expect(problems({ timestamp: 1, webhookEvent: 'worklog_updated', worklog: { id: '1', issueId: '2' } })).to.deep.equal(['worklog.timeSpentSeconds: a worklog_updated payload needs worklog.timeSpentSeconds']);
    });

    it('names a date-time that is not Jira\'s', () => {
      const body = bodyOf('issue-created');
      body.issue.fields.created = '30-11-2026 09:00';
      expect(problems(body)).to.deep.equal(['issue.fields.created: "30-11-2026 09:00" is not a Jira date-time such as 2026-11-30T09:00:00.000+0100']);
    });

    it('keeps fields it does not know and reads a changelog item without toString as null', () => {
      const body = bodyOf('issue-updated-labels');
      body.changelog.items = [{ field: 'labels', fromString: 'webshop' }];
      const payload = jiraConnector.payloadSchema.parse(body);
      expect(payload.changelog?.items[0]).to.deep.equal({ field: 'labels', from: null, fromString: 'webshop', to: null, toString: null });
      expect(payload.issue?.fields.issuetype).to.include({ name: 'Incident' });
    });

    const dateTimes: [text: string, expected: number | undefined][] = [
      ['2026-11-30T09:00:00.000+0100', at('2026-11-30T09:00')],
      ['2026-11-30T09:00:00.000+01:00', at('2026-11-30T09:00')],
      ['2026-11-30T08:00:00.000Z', at('2026-11-30T09:00')],
      ['2026-11-30T09:00:00+0100', at('2026-11-30T09:00')],
      ['2026-11-30T03:30:00.000-0430', at('2026-11-30T09:00')],
      ['2026-11-30T09:00:00.000', undefined],
      ['2026-13-30T09:00:00.000+0100', undefined],
      ['2026-11-30', undefined],
      ['', undefined],
    ];
    for (const [text, expected] of dateTimes) {
      it(`reads Jira date-time ${JSON.stringify(text)} as ${expected === undefined ? 'nothing' : 'the instant'}`, () => {
        expect(parseJiraDateTime(text)).to.equal(expected);
      });
    }
  });

  describe('signature and delivery id', () => {
    const body = Buffer.from(JSON.stringify(bodyOf('issue-created')));
    const withSignature = (signature: string | undefined, rawBody = body): WebhookDelivery => ({
      headers: signature === undefined ? {} : { 'x-hub-signature': signature },
      rawBody,
    });
    const signatureFor = (secret: string, rawBody = body) => jiraConnector.sign(secret, rawBody)['x-hub-signature']!;
    const rotating = (): Source => ({ ...jiraDemo(), secrets: ['old-secret', 'new-secret'] });

    it('signs as Jira does: sha256=<hex> in x-hub-signature', () => {
      expect(jiraConnector.sign(SECRET, body)).to.have.all.keys('x-hub-signature');
      expect(signatureFor(SECRET)).to.match(/^sha256=[0-9a-f]{64}$/);
    });

    it('accepts a body signed with either secret during a rotation', () => {
      expect(jiraConnector.verify(rotating(), withSignature(signatureFor('old-secret')))).to.deep.equal({ ok: true });
      expect(jiraConnector.verify(rotating(), withSignature(signatureFor('new-secret')))).to.deep.equal({ ok: true });
    });

    const refused: [name: string, source: () => Source, delivery: () => WebhookDelivery, reason: RegExp][] = [
      ['a wrong secret', rotating, () => withSignature(signatureFor('another-secret')), /^X-Hub-Signature does not match the body$/],
      [
        'a body changed in one byte',
        jiraDemo,
        () => {
          const tampered = Buffer.from(body);
          tampered[100] = tampered[100]! ^ 1;
          return withSignature(signatureFor(SECRET), tampered);
        },
        /^X-Hub-Signature does not match the body$/,
      ],
      ['a missing header', jiraDemo, () => withSignature(undefined), /^missing X-Hub-Signature header$/],
      ['an empty header', jiraDemo, () => withSignature(''), /^missing X-Hub-Signature header$/],
      ['the sha1 method', jiraDemo, () => withSignature(`sha1=${'a'.repeat(40)}`), /^X-Hub-Signature method "sha1" is not accepted \(only sha256\)$/],
      ['no method', jiraDemo, () => withSignature(signatureFor(SECRET).slice('sha256='.length)), /^malformed X-Hub-Signature header/],
      ['a method without a signature', jiraDemo, () => withSignature('sha256='), /^malformed X-Hub-Signature header/],
      ['hex that is not hex', jiraDemo, () => withSignature(`sha256=${'g'.repeat(64)}`), /^malformed X-Hub-Signature header$/],
      ['a truncated signature', jiraDemo, () => withSignature(signatureFor(SECRET).slice(0, -2)), /^malformed X-Hub-Signature header$/],
    ];
    for (const [name, source, delivery, reason] of refused) {
      it(`refuses ${name}`, () => {
        const verdict = jiraConnector.verify(source(), delivery());
        expect(verdict.ok).to.equal(false);
        expect(verdict.ok === false && verdict.reason).to.match(reason);
      });
    }

    it('accepts unsigned webhooks only on an insecure source without secrets', () => {
      const insecure: Source = { ...jiraDemo(), secrets: [], insecure: true };
      expect(jiraConnector.verify(insecure, withSignature(undefined))).to.deep.equal({ ok: true });
      const noSecret: Source = { ...jiraDemo(), secrets: [], insecure: false };
      expect(jiraConnector.verify(noSecret, withSignature(undefined))).to.deep.equal({ ok: false, reason: 'the source has no webhook secret' });
      const insecureWithSecret: Source = { ...jiraDemo(), insecure: true };
      expect(jiraConnector.verify(insecureWithSecret, withSignature(undefined)).ok).to.equal(false);
    });

    it('takes the delivery id from X-Atlassian-Webhook-Identifier, the same on retries', () => {
      const { headers } = fixture('issue-created');
      expect(jiraConnector.deliveryId({ headers, rawBody: body })).to.equal(headers['x-atlassian-webhook-identifier']);
      expect(jiraConnector.deliveryId({ headers: { ...headers, 'x-atlassian-webhook-retry': '1' }, rawBody: body })).to.equal(
        headers['x-atlassian-webhook-identifier'],
      );
      expect(jiraConnector.deliveryId({ headers: {}, rawBody: body })).to.equal(undefined);
    });

    it('never throws, and accepts exactly the signature sign() gives (method and hex in any case)', () => {
      const hexDigit = fc.constantFrom(...'0123456789abcdef');
      const cases = fc.uint8Array({ maxLength: 300 }).chain((bytes) => {
        const rawBody = Buffer.from(bytes);
        const expected = signatureFor(SECRET, rawBody);
        const oneDigitOff = fc.tuple(fc.nat(63), hexDigit).map(([index, digit]) => {
          const position = 'sha256='.length + index;
          return expected.slice(0, position) + digit + expected.slice(position + 1);
        });
        const header = fc.oneof(fc.constant(expected), fc.constant(expected.toUpperCase()), oneDigitOff, fc.string(), fc.string().map((text) => `sha256=${text}`));
        return fc.tuple(fc.constant(rawBody), fc.constant(expected), header);
      });
      fc.assert(
        fc.property(cases, ([rawBody, expected, header]) => {
          const verdict = jiraConnector.verify(jiraDemo(), withSignature(header, rawBody));
          expect(verdict.ok).to.equal(header.toLowerCase() === expected);
        }),
        { numRuns: 500 },
      );
    });
  });
});
