/**
 * The GitLab connector on the fixtures in test/fixtures/gitlab (the #42 story, derived from
 * recorded bodies) and test/fixtures/gitlab/eras (bodies recorded from gitlab.com 2016-2026),
 * against the shipped gitlab-demo source. Story times are Amsterdam, late November 2026 (+01:00).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { IssueRef, Normalized, WebhookDelivery } from '../../connectors/connector.js';
import { gitlabConnector, type GitlabPayload } from '../../connectors/gitlab/index.js';
import { signGitlabDeliveryWithToken } from '../../connectors/gitlab/sign.js';
import { DEFAULT_GITLAB_SETTINGS, compileGitlabSettings, gitlabSourceSettingsSchema } from '../../connectors/gitlab/source-settings.js';
import { verifyGitlabDelivery } from '../../connectors/gitlab/verify.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { sourceFileSchema } from '../../src/config/source-schema.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { runClock, type IssueSla } from '../../src/domain/sla-clock.js';
import type { MetricStatus } from '../../src/domain/metric-status.js';
import { projectRoot } from '../../src/project-root.js';
import { GITLAB_ISSUE_42_WEBHOOKS } from '../support/gitlab-story.js';
import { shippedConfig } from '../support/shipped-config.js';

interface Fixture {
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

const FIXTURES = path.join(projectRoot(), 'test/fixtures/gitlab');
const fixture = (name: string): Fixture => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;

const deliveryOf = (body: unknown, headers: IncomingHttpHeaders = {}): WebhookDelivery => ({ headers, rawBody: Buffer.from(JSON.stringify(body)) });
const parse = (delivery: WebhookDelivery): GitlabPayload => gitlabConnector.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
const normalizeDelivery = (source: Source, delivery: WebhookDelivery): Normalized => gitlabConnector.normalize(source, parse(delivery), delivery);

type Json = Record<string, any>;
function normalizeFixture(source: Source, name: string, edit: (body: Json, headers: Record<string, string>) => void = () => {}): Normalized {
  const { headers, body } = fixture(name);
  const copy = structuredClone(body) as Json;
  const copiedHeaders = { ...headers };
  edit(copy, copiedHeaders);
  return normalizeDelivery(source, deliveryOf(copy, copiedHeaders));
}

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}

const gitlab = (): Source => shippedConfig().sources.get('gitlab-demo')!;
const at = (time: string, date = '2026-11-26') => Date.parse(`${date}T${time}+01:00`);
const utc = (iso: string) => Date.parse(iso);

const REPO = 'open2bizz/odoo-customer';
const TITLE_42 = "Sales orders cannot be confirmed: 'Missing required account on accountable line'";
const ISSUE_42: IssueRef = { id: `${REPO}#42`, key: `${REPO}#42`, title: TITLE_42, url: `https://gitlab.example.com/${REPO}/-/issues/42` };
const WAITING = 'status::waiting-for-customer';

type Created = Extract<IssueEvent, { type: 'created' }>;
const created = (fields: Partial<Created> & Pick<Created, 'at' | 'title' | 'project'>): Created => ({
  type: 'created',
  labels: [],
  environment: null,
  priority: 'P4',
  status: 'opened',
  paused: false,
  assignee: null,
  synthetic: true,
  ...fields,
});
const created42 = (fields: Partial<Created> = {}) =>
  created({ at: at('09:12:44'), title: TITLE_42, project: REPO, labels: ['priority::1'], priority: 'P1', assignee: 'rbakker', ...fields });

const labelEvents = (time: number, labels: string[], priority: Created['priority'], status = 'opened', paused = false): IssueEvent[] => [
  { type: 'labels_changed', at: time, labels },
  { type: 'priority_changed', at: time, priority },
  { type: 'environment_changed', at: time, environment: null },
  { type: 'status_changed', at: time, status, paused },
];

type Observed = Extract<IssueEvent, { type: 'observed' }>;
const observed = (time: number, fields: Partial<Observed> = {}): IssueEvent => ({ type: 'observed', at: time, status: 'opened', paused: false, resolved: false, priority: 'P1', assignee: 'rbakker', ...fields });
/** What a Note Hook shows: its issue names assignees by id only, so no assignee. */
const observedByNote = (time: number, fields: Partial<Observed> = {}): IssueEvent => {
  const { assignee: _assignee, ...rest } = observed(time, fields) as Observed;
  return rest;
};

interface Expectation {
  readonly fixture: string;
  readonly issue?: IssueRef;
  readonly events?: readonly IssueEvent[];
  readonly ignored?: string;
}

const HELLO = 'gitlab-org/hello-world';
const HELLO_1: IssueRef = { id: `${HELLO}#1`, key: `${HELLO}#1`, title: 'found a bug', url: `https://gitlab.com/${HELLO}/issues/1` };
const hello = (fields: Partial<Created> = {}) => created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug', ...fields });
const ZULIP = 'sbansal1999/testing-zulip-gitlab-integration';
const ZULIP_1: IssueRef = { id: `${ZULIP}#1`, key: `${ZULIP}#1`, title: 'Add more lines', url: `https://gitlab.com/${ZULIP}/-/issues/1` };
const zulip = () => created({ at: utc('2023-05-20T17:56:18Z'), project: ZULIP, title: 'Add more lines' });

const EXPECTATIONS: readonly Expectation[] = [
  { fixture: 'issue-opened', issue: ISSUE_42, events: [created42({ labels: ['priority::2'], priority: 'P2', assignee: null, synthetic: false })] },
  {
    fixture: 'issue-label-priority-1',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), ...labelEvents(at('09:31:05'), ['priority::1'], 'P1'), observed(at('09:31:05'), { assignee: null })],
  },
  { fixture: 'issue-assigned', issue: ISSUE_42, events: [created42(), { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' }, observed(at('09:40:12'))] },
  {
    fixture: 'issue-time-spent',
    issue: ISSUE_42,
    // The issue's total time spent, one record per issue, at the change's own time.
    events: [created42(), observed(at('11:20:00')), { type: 'time_logged', at: at('11:20:00'), recordId: 'gitlab-total', seconds: 5400, author: 'rbakker' }],
  },
  {
    fixture: 'note-by-agent',
    issue: ISSUE_42,
    // The note's issue names no assignee, so the synthetic creation cannot either.
    events: [created42({ assignee: null }), { type: 'commented', at: at('09:47:30'), by: 'agent', public: true }, observedByNote(at('09:47:30'))],
  },
  {
    fixture: 'note-internal',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), { type: 'commented', at: at('09:50:02'), by: 'customer', public: false }, observedByNote(at('09:50:02'))],
  },
  {
    fixture: 'issue-label-waiting',
    issue: ISSUE_42,
    events: [
      created42({ labels: ['priority::1', WAITING], status: WAITING, paused: true }),
      ...labelEvents(at('10:05:18'), ['priority::1', WAITING], 'P1', WAITING, true),
      observed(at('10:05:18'), { status: WAITING, paused: true }),
    ],
  },
  {
    fixture: 'note-by-customer',
    issue: ISSUE_42,
    events: [
      created42({ labels: ['priority::1', WAITING], status: WAITING, paused: true, assignee: null }),
      { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
      observedByNote(at('13:22:09'), { status: WAITING, paused: true }),
    ],
  },
  { fixture: 'issue-label-waiting-removed', issue: ISSUE_42, events: [created42(), ...labelEvents(at('13:30:41'), ['priority::1'], 'P1'), observed(at('13:30:41'))] },
  { fixture: 'note-edited', ignored: 'comment edited: only new comments affect SLA clocks' },
  {
    fixture: 'issue-closed',
    issue: ISSUE_42,
    events: [created42(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }, observed(at('16:02:57'), { status: 'closed', resolved: true })],
  },
  {
    fixture: 'issue-reopened',
    issue: ISSUE_42,
    events: [created42(), { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'opened' }, observed(at('10:15:03', '2026-11-27'))],
  },
  // A due date edited by hand: nothing the clock reads changed, but the delivery shows the owned field.
  { fixture: 'issue-due-date-edited', issue: ISSUE_42, events: [created42(), observed(at('11:00:00', '2026-11-27'))] },
  { fixture: 'note-on-merge-request', ignored: 'comments on MergeRequest are not covered' },
  { fixture: 'task-opened', ignored: 'Task work items are not covered' },
  { fixture: 'push', ignored: 'Push Hook events are not covered' },
  {
    fixture: 'eras/gitlab-com-2016-issue-updated',
    issue: { id: 'tomaszkolek0/my-awesome-project#1', key: 'tomaszkolek0/my-awesome-project#1', title: 'Issue title_new', url: 'https://gitlab.com/tomaszkolek0/my-awesome-project/issues/1' },
    events: [
      created({ at: utc('2016-08-18T17:47:36Z'), project: 'tomaszkolek0/my-awesome-project', title: 'Issue title_new', assignee: 'tomaszkolek0' }),
      // No `changes` before 9.5: the assignee shown is restated; 8.x payloads show no labels, so no status or priority is observed.
      { type: 'assigned', at: utc('2016-08-18T17:56:30Z'), assignee: 'tomaszkolek0' },
      { type: 'observed', at: utc('2016-08-18T17:56:30Z'), resolved: false, assignee: 'tomaszkolek0' },
    ],
  },
  { fixture: 'eras/gitlab-com-2017-issue-opened', issue: HELLO_1, events: [hello({ synthetic: false })] },
  { fixture: 'eras/gitlab-com-2017-issue-edited', issue: HELLO_1, events: [hello(), observed(utc('2017-12-10T16:38:25Z'), { priority: 'P4', assignee: null })] },
  {
    fixture: 'eras/gitlab-com-2017-issue-labeled',
    issue: HELLO_1,
    // GitLab 10.3 did not bump updated_at for a label change: it is stamped at the issue's last save.
    events: [hello({ labels: ['critical'] }), ...labelEvents(utc('2017-12-10T16:38:25Z'), ['critical'], 'P4'), observed(utc('2017-12-10T16:38:25Z'), { priority: 'P4', assignee: null })],
  },
  {
    fixture: 'eras/gitlab-com-2017-issue-closed',
    issue: HELLO_1,
    events: [hello({ labels: ['critical'] }), { type: 'resolved', at: utc('2017-12-10T16:41:28Z'), status: 'closed' }, observed(utc('2017-12-10T16:41:28Z'), { status: 'closed', resolved: true, priority: 'P4', assignee: null })],
  },
  {
    fixture: 'eras/gitlab-com-2017-issue-reopened',
    issue: HELLO_1,
    events: [hello({ labels: ['critical'] }), { type: 'reopened', at: utc('2017-12-10T16:41:55Z'), status: 'opened' }, observed(utc('2017-12-10T16:41:55Z'), { priority: 'P4', assignee: null })],
  },
  {
    fixture: 'eras/gitlab-com-2017-comment-created',
    issue: HELLO_1,
    events: [hello(), { type: 'commented', at: utc('2017-12-10T16:43:38Z'), by: 'customer', public: true }, { type: 'observed', at: utc('2017-12-10T16:43:38Z'), resolved: false, assignee: null }],
  },
  {
    fixture: 'eras/gitlab-com-2023-comment-created',
    issue: ZULIP_1,
    events: [zulip(), { type: 'commented', at: utc('2023-05-25T18:41:09Z'), by: 'customer', public: true }, observed(utc('2023-05-25T18:41:09Z'), { priority: 'P4', assignee: null })],
  },
  {
    fixture: 'eras/gitlab-com-2023-internal-note',
    issue: ZULIP_1,
    events: [zulip(), { type: 'commented', at: utc('2023-05-25T17:12:06Z'), by: 'customer', public: false }, observed(utc('2023-05-25T17:12:06Z'), { priority: 'P4', assignee: null })],
  },
  {
    fixture: 'eras/gitlab-com-2026-incident-opened',
    issue: { id: 'sathwikshetty33-group/mVc#2', key: 'sathwikshetty33-group/mVc#2', title: 'Testing', url: 'https://gitlab.com/sathwikshetty33-group/mVc/-/issues/2' },
    events: [created({ at: utc('2026-05-28T05:04:31.155Z'), project: 'sathwikshetty33-group/mVc', title: 'Testing', synthetic: false })],
  },
];

const fixtureNames = () =>
  ['', 'eras'].flatMap((dir) =>
    readdirSync(path.join(FIXTURES, dir))
      .filter((file) => file.endsWith('.json'))
      .map((file) => path.join(dir, file.replace(/\.json$/, ''))),
  );

describe('GitLab connector', () => {
  describe('normalize: each delivery gives exactly these engine events', () => {
    for (const expectation of EXPECTATIONS) {
      it(`${expectation.fixture}: ${fixture(expectation.fixture).description}`, () => {
        const normalized = normalizeFixture(gitlab(), expectation.fixture);
        if (expectation.ignored) expect(normalized).to.deep.equal({ outcome: 'ignored', reason: expectation.ignored });
        else expect(normalized).to.deep.equal({ outcome: 'events', issue: expectation.issue, events: expectation.events });
      });
    }

    it('has an expectation for every fixture file, and no fixture carries the secret token', () => {
      expect(fixtureNames().sort()).to.deep.equal(EXPECTATIONS.map((expectation) => expectation.fixture).sort());
      for (const name of fixtureNames()) expect(Object.keys(fixture(name).headers).filter((header) => /token|signature/.test(header)), name).to.deep.equal([]);
    });

    it('produces events the engine accepts as they are (every default already filled in)', () => {
      for (const expectation of EXPECTATIONS.filter((row) => row.events)) {
        for (const event of eventsOf(normalizeFixture(gitlab(), expectation.fixture))) expect(issueEventSchema.parse(event), expectation.fixture).to.deep.equal(event);
      }
    });
  });

  describe('normalize: which deliveries count, and how', () => {
    it('ignores a delivery without X-Gitlab-Event, naming the header', () => {
      expect(normalizeFixture(gitlab(), 'issue-opened', (_, headers) => delete headers['x-gitlab-event'])).to.deep.equal({
        outcome: 'ignored',
        reason: 'no X-Gitlab-Event header: cannot tell which event this is',
      });
    });

    it('reads the Confidential Issue Hook like the Issue Hook', () => {
      const normalized = normalizeFixture(gitlab(), 'issue-assigned', (body, headers) => {
        headers['x-gitlab-event'] = 'Confidential Issue Hook';
        body.event_type = 'confidential_issue';
        body.object_attributes.confidential = true;
      });
      expect(eventsOf(normalized)).to.deep.equal(EXPECTATIONS.find((row) => row.fixture === 'issue-assigned')!.events);
    });

    it('takes every note on a confidential issue as internal, which reconciliation corrects from the REST API', () => {
      const normalized = normalizeFixture(gitlab(), 'note-by-agent', (body, headers) => {
        headers['x-gitlab-event'] = 'Confidential Note Hook';
        body.event_type = 'confidential_note';
        body.issue.confidential = true;
      });
      expect(eventsOf(normalized).filter((event) => event.type === 'commented')).to.deep.equal([{ type: 'commented', at: at('09:47:30'), by: 'agent', public: false }]);
    });

    it('ignores system notes and notes by the bridge itself', () => {
      expect(normalizeFixture(gitlab(), 'note-by-agent', (body) => (body.object_attributes.system = true))).to.deep.equal({
        outcome: 'ignored',
        reason: 'system notes (changes GitLab writes as notes) are not comments',
      });
      const bridge: Source = { ...gitlab(), apiUser: 'Open2Bizz-Support' };
      expect(normalizeFixture(bridge, 'note-by-agent')).to.deep.equal({ outcome: 'ignored', reason: 'a comment by the bridge itself (api.user)' });
    });

    it('counts a note without an action (before 16.11) as new', () => {
      const events = eventsOf(normalizeFixture(gitlab(), 'note-by-agent', (body) => delete body.object_attributes.action));
      expect(events.map((event) => event.type)).to.deep.equal(['created', 'commented', 'observed']);
    });

    it('ignores an issue action it does not know, naming it, and covers incidents and tickets', () => {
      expect(normalizeFixture(gitlab(), 'issue-assigned', (body) => (body.object_attributes.action = 'archive'))).to.deep.equal({
        outcome: 'ignored',
        reason: 'issue action "archive" is not covered',
      });
      for (const type of ['Incident', 'Ticket', 'Issue', null]) {
        expect(normalizeFixture(gitlab(), 'issue-assigned', (body) => (body.object_attributes.type = type)).outcome, String(type)).to.equal('events');
      }
    });

    it('takes an incident’s severity for the priority with priority.field severity, the labels when it maps none', () => {
      const bySeverity: Source = { ...gitlab(), priority: { field: 'severity', map: new Map([['critical', 'P1'], ['high', 'P2'], ['priority::3', 'P3']]), default: 'P4' } };
      const priorityOf = (severity: string, labels: string[]) =>
        (eventsOf(
          normalizeFixture(bySeverity, 'eras/gitlab-com-2026-incident-opened', (body) => {
            body.object_attributes.severity = severity;
            body.object_attributes.labels = labels.map((title) => ({ title }));
          }),
        )[0] as Created).priority;
      expect(priorityOf('critical', ['priority::3'])).to.equal('P1');
      expect(priorityOf('HIGH', [])).to.equal('P2');
      expect(priorityOf('unknown', ['priority::3'])).to.equal('P3');
      expect(priorityOf('unknown', [])).to.equal('P4');
    });

    it('turns a severity change into a priority change with priority.field severity, and ignores it otherwise', () => {
      const bySeverity: Source = { ...gitlab(), priority: { field: 'severity', map: new Map([['critical', 'P1']]), default: 'P4' } };
      const edit = (body: Json) => {
        body.object_attributes.severity = 'critical';
        body.changes = { severity: { previous: 'unknown', current: 'critical' }, updated_at: { previous: '2026-11-26T08:40:12.000Z', current: '2026-11-26T08:45:00.000Z' } };
      };
      const changes = (source: Source) => eventsOf(normalizeFixture(source, 'issue-assigned', edit)).filter((event) => event.type !== 'created' && event.type !== 'observed');
      expect(changes(bySeverity)).to.deep.equal([{ type: 'priority_changed', at: at('09:45:00'), priority: 'P1' }]);
      expect(changes(gitlab())).to.deep.equal([]);
    });

    it('reads the time formats of every GitLab, with any offset', () => {
      const createdAt = (text: string) => eventsOf(normalizeFixture(gitlab(), 'issue-opened', (body) => (body.object_attributes.created_at = text)))[0]!.at;
      expect(createdAt('2026-11-26 08:12:44 UTC')).to.equal(at('09:12:44'));
      expect(createdAt('2026-11-26 09:12:44 +0100')).to.equal(at('09:12:44'));
      expect(createdAt('2026-11-26T16:12:44.000+08:00')).to.equal(at('09:12:44'));
      expect(createdAt('2026-11-26T08:12:44Z')).to.equal(at('09:12:44'));
    });

    it('rebuilds an issue link the payload does not carry from the project, else the base URL', () => {
      const refOf = (edit: (body: Json) => void) => (normalizeFixture(gitlab(), 'issue-assigned', edit) as { issue: IssueRef }).issue.url;
      expect(refOf((body) => delete body.object_attributes.url)).to.equal(ISSUE_42.url);
      expect(refOf((body) => Object.assign(body.object_attributes, { url: null }) && Object.assign(body.project, { web_url: null }))).to.equal(ISSUE_42.url);
    });

    it('finds the project of a payload before 8.5 (no project) from repository.homepage under the base URL', () => {
      const normalized = normalizeFixture(gitlab(), 'issue-assigned', (body) => delete body.project);
      expect(normalized).to.deep.include({ outcome: 'events', issue: ISSUE_42 });
      expect(normalizeFixture(gitlab(), 'issue-assigned', (body) => (delete body.project, (body.repository.homepage = 'https://elsewhere.example.com/a/b')))).to.deep.equal({
        outcome: 'ignored',
        reason: "Issue Hook without the project's path",
      });
    });

    it('shows write-back the due date and SLA labels a delivery carries, only when the source writes back', () => {
      const writing: Source = { ...gitlab(), writeBack: { ...gitlab().writeBack, enabled: true, due_date: true, labels: { at_risk: 'sla::at-risk', breached: 'sla::breached' } } };
      expect(normalizeFixture(writing, 'issue-due-date-edited')).to.have.deep.property('shown', { due_date: '2026-12-31', 'label:sla::at-risk': null, 'label:sla::breached': null });
      expect(normalizeFixture(writing, 'issue-opened', (body) => body.object_attributes.labels.push({ title: 'sla::at-risk' }))).to.have.deep.property('shown', {
        due_date: null,
        'label:sla::at-risk': 'on',
        'label:sla::breached': null,
      });
      // A 2017 note shows no labels, and the due date as null.
      expect(normalizeFixture(writing, 'eras/gitlab-com-2017-comment-created')).to.have.deep.property('shown', { due_date: null });
      expect(normalizeFixture(gitlab(), 'issue-due-date-edited')).not.to.have.property('shown');
    });
  });

  describe('payload schema', () => {
    it('accepts every fixture, keeping the fields it does not read', () => {
      for (const name of fixtureNames()) expect(gitlabConnector.payloadSchema.parse(fixture(name).body), name).to.deep.equal(fixture(name).body);
    });

    it('refuses an issue without what the SLA needs, naming the field', () => {
      for (const field of ['iid', 'title', 'created_at', 'updated_at']) {
        const body = structuredClone(fixture('issue-opened').body) as Json;
        delete body.object_attributes[field];
        const result = gitlabConnector.payloadSchema.safeParse(body);
        expect(result.error?.issues[0]?.path, field).to.deep.equal(['object_attributes', field]);
      }
      const note = structuredClone(fixture('note-by-agent').body) as Json;
      delete note.object_attributes.created_at;
      expect(gitlabConnector.payloadSchema.safeParse(note).error?.issues[0]?.path).to.deep.equal(['object_attributes', 'created_at']);
    });

    const times: [text: string, accepted: boolean][] = [
      ['2026-11-26 08:12:44 UTC', true],
      ['2026-11-26 09:12:44 +0100', true],
      ['2026-11-26 03:12:44 -0500', true],
      ['2026-11-26T08:12:44.155Z', true],
      ['2026-11-26T16:12:44.993+08:00', true],
      ['2026-11-26T08:12:44Z', true],
      ['2026-11-26 08:12:44', false],
      ['2026-11-26T08:12:44', false],
      ['26-11-2026 08:12', false],
    ];
    for (const [text, accepted] of times) {
      it(`${accepted ? 'accepts' : 'refuses'} the time ${text}`, () => {
        const body = structuredClone(fixture('issue-opened').body) as Json;
        body.object_attributes.updated_at = text;
        const result = gitlabConnector.payloadSchema.safeParse(body);
        expect(result.success).to.equal(accepted);
        if (!accepted) expect(result.error?.issues[0]?.path).to.deep.equal(['object_attributes', 'updated_at']);
      });
    }

    it('accepts nulls and missing fields the bridge can do without, and bodies of hooks it does not read', () => {
      const body = structuredClone(fixture('issue-assigned').body) as Json;
      Object.assign(body.object_attributes, { state: null, state_id: null, closed_at: null, labels: null, assignee_ids: null, severity: null, type: null, url: null, action: null });
      Object.assign(body, { user: null, project: null, repository: null, labels: null, assignees: null, changes: null, event_type: null });
      expect(gitlabConnector.payloadSchema.safeParse(body).error?.issues).to.equal(undefined);
      expect(gitlabConnector.payloadSchema.safeParse({ object_kind: 'pipeline', whatever: [1] }).success).to.equal(true);
      expect(gitlabConnector.payloadSchema.safeParse({}).success).to.equal(true);
    });
  });

  describe('delivery id', () => {
    it('is the Idempotency-Key (17.4+), the same on a resend', () => {
      const { headers, body } = fixture('issue-opened');
      expect(gitlabConnector.deliveryId(deliveryOf(body, headers))).to.equal(headers['idempotency-key']);
    });

    it('is the event and body without one: X-Gitlab-Event-UUID is shared by recursive hooks and new on a resend', () => {
      const { headers, body } = fixture('eras/gitlab-com-2023-comment-created');
      const id = gitlabConnector.deliveryId(deliveryOf(body, headers));
      expect(id).to.match(/^body:[0-9a-f]{64}$/);
      expect(gitlabConnector.deliveryId(deliveryOf(body, { ...headers, 'x-gitlab-event-uuid': 'another' }))).to.equal(id);
      expect(gitlabConnector.deliveryId(deliveryOf({ ...body, x: 1 }, headers))).not.to.equal(id);
      expect(gitlabConnector.deliveryId(deliveryOf(body, { ...headers, 'x-gitlab-event': 'Confidential Note Hook' }))).not.to.equal(id);
    });
  });

  describe('verify: the secret token', () => {
    const rawBody = Buffer.from(JSON.stringify(fixture('note-by-agent').body));
    const rotating: Source = { ...gitlab(), secrets: ['current-secret', 'next-secret'] };
    const verify = (headers: IncomingHttpHeaders, source = rotating) => gitlabConnector.verify(source, { headers, rawBody });

    it('is sent as it is, and either secret of a rotation is accepted', () => {
      expect(gitlabConnector.sign('current-secret', rawBody)).to.deep.equal({ 'x-gitlab-token': 'current-secret' });
      expect(verify({ 'x-gitlab-token': 'current-secret' })).to.deep.equal({ ok: true });
      expect(verify({ 'x-gitlab-token': 'next-secret' })).to.deep.equal({ ok: true });
    });

    it('refuses a wrong or missing token', () => {
      for (const token of ['old-secret', 'current-secre', 'current-secrett', '']) {
        expect(verify({ 'x-gitlab-token': token }), token).to.deep.equal({ ok: false, reason: token === '' ? 'missing X-Gitlab-Token header' : 'X-Gitlab-Token is not the webhook secret' });
      }
      expect(verify({})).to.deep.equal({ ok: false, reason: 'missing X-Gitlab-Token header' });
    });

    it('accepts unsigned deliveries only for an insecure source without secrets', () => {
      expect(verify({}, { ...gitlab(), secrets: [], insecure: true })).to.deep.equal({ ok: true });
      expect(verify({}, { ...rotating, insecure: true })).to.deep.equal({ ok: false, reason: 'missing X-Gitlab-Token header' });
    });

    it('accepts exactly the secrets, whatever the token, and never throws', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1 }), fc.string(), fc.dictionary(fc.string(), fc.string()), (secret, token, extra) => {
          const source: Source = { ...gitlab(), secrets: [secret] };
          const headers = { ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name.toLowerCase(), value])), 'x-gitlab-token': token };
          expect(gitlabConnector.verify(source, { headers, rawBody }).ok).to.equal(token.trim() !== '' && token.trim() === secret);
        }),
      );
    });
  });

  describe('verify: the Standard Webhooks signature of a hook with a signing token', () => {
    const KEY = Buffer.alloc(32, 7);
    const TOKEN = `whsec_${KEY.toString('base64')}`;
    const NEXT_KEY = Buffer.alloc(32, 9);
    const NEXT_TOKEN = `whsec_${NEXT_KEY.toString('base64')}`;
    const rawBody = Buffer.from(JSON.stringify(fixture('note-by-agent').body));
    const NOW = Date.parse('2026-11-26T08:47:31Z');
    const signing = (required: boolean, keys = [KEY, NEXT_KEY]): Source => ({ ...gitlab(), secrets: ['token'], settings: { ...DEFAULT_GITLAB_SETTINGS, signing: { keys, required, toleranceMs: 300_000 } } });
    const verify = (headers: IncomingHttpHeaders, source = signing(true), now = NOW, body = rawBody) => verifyGitlabDelivery(source, { headers, rawBody: body }, now);
    const signed = (token = TOKEN, sentAt = NOW - 1_000): Record<string, string> => ({ 'x-gitlab-token': 'token', ...signGitlabDeliveryWithToken(token, rawBody, sentAt, 'f5e5f430-f57b-4e6e-9fac-d9128cd7232f') });

    it('signs as the standardwebhooks library does (the reference)', () => {
      const headers = signGitlabDeliveryWithToken(TOKEN, rawBody, NOW, 'msg-1');
      const reference = new Webhook(KEY.toString('base64')).sign('msg-1', new Date(NOW), rawBody.toString('utf8'));
      expect(headers).to.deep.equal({ 'webhook-id': 'msg-1', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': reference });
    });

    it('accepts a signature by either signing token of a rotation, and a header listing several signatures', () => {
      expect(verify(signed(TOKEN))).to.deep.equal({ ok: true });
      expect(verify(signed(NEXT_TOKEN))).to.deep.equal({ ok: true });
      const other = signed(`whsec_${Buffer.alloc(32, 1).toString('base64')}`)['webhook-signature'];
      const both = signed(NEXT_TOKEN);
      expect(verify({ ...both, 'webhook-signature': `${other} ${both['webhook-signature']}` })).to.deep.equal({ ok: true });
    });

    it('refuses another signing token, a changed body, id or timestamp', () => {
      const wrong = { ok: false, reason: 'webhook-signature does not match the body' };
      expect(verify(signed(`whsec_${Buffer.alloc(32, 1).toString('base64')}`))).to.deep.equal(wrong);
      expect(verify(signed(), signing(true), NOW, Buffer.concat([rawBody, Buffer.from(' ')]))).to.deep.equal(wrong);
      expect(verify({ ...signed(), 'webhook-id': 'another' })).to.deep.equal(wrong);
      expect(verify({ ...signed(), 'webhook-timestamp': String(Math.floor(NOW / 1000)) })).to.deep.equal(wrong);
    });

    it('refuses a timestamp outside the tolerance, either way, and accepts one at its edge', () => {
      expect(verify(signed(TOKEN, NOW - 300_000))).to.deep.equal({ ok: true });
      expect(verify(signed(TOKEN, NOW + 300_000))).to.deep.equal({ ok: true });
      expect(verify(signed(TOKEN, NOW - 301_000)).ok).to.equal(false);
      expect(verify(signed(TOKEN, NOW + 301_000))).to.deep.equal({ ok: false, reason: "webhook-timestamp is 301 s from the bridge's clock (tolerance 300 s): a replay, or a clock to fix" });
    });

    it('when required, refuses a delivery without a signature even with the right token; when not, checks one that is there', () => {
      expect(verify({ 'x-gitlab-token': 'token' })).to.deep.equal({ ok: false, reason: 'missing webhook-signature header' });
      expect(verify({ 'x-gitlab-token': 'token' }, signing(false))).to.deep.equal({ ok: true });
      expect(verify({ ...signed(), 'webhook-signature': 'v1,AAAA' }, signing(false))).to.deep.equal({ ok: false, reason: 'malformed webhook-signature header (expected v1,<base64 HMAC-SHA256>)' });
    });

    it('still checks the secret token of a signed delivery', () => {
      expect(verify({ ...signed(), 'x-gitlab-token': 'stolen-guess' })).to.deep.equal({ ok: false, reason: 'X-Gitlab-Token is not the webhook secret' });
    });

    it('verifies exactly what the reference library signs, for any key, id and body (100 runs)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 24, maxLength: 64 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.string(), fc.integer({ min: -300, max: 300 }), (key, id, body, skew) => {
          const secret = Buffer.from(key);
          const sentAt = NOW + skew * 1000;
          const signature = new Webhook(secret.toString('base64')).sign(id, new Date(sentAt), body);
          const headers = { 'x-gitlab-token': 'token', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(sentAt / 1000)), 'webhook-signature': signature };
          expect(verify(headers, signing(true, [secret]), NOW, Buffer.from(body))).to.deep.equal({ ok: true });
          expect(verify(headers, signing(true, [secret]), NOW, Buffer.from(`${body}x`)).ok).to.equal(false);
        }),
      );
    });
  });

  describe('source settings', () => {
    const file = (gitlabSettings: unknown, more: Record<string, unknown> = {}) =>
      sourceFileSchema(PLUGINS.trackers).safeParse({ kind: 'gitlab', base_url: 'https://gitlab.example.com', webhook: { secrets: ['s'] }, priority: { field: 'labels', map: {}, default: 'P4' }, gitlab: gitlabSettings, ...more });

    it('compiles the signing tokens into their keys, dropping unset ones', () => {
      const parsed = gitlabSourceSettingsSchema.parse({ signing: { secrets: [`whsec_${Buffer.alloc(32, 7).toString('base64')}`, ''], required: true, tolerance: '2m' }, projects: ['acme/support/app'] });
      expect(compileGitlabSettings(parsed)).to.deep.equal({ signing: { keys: [Buffer.alloc(32, 7)], required: true, toleranceMs: 120_000 }, projects: ['acme/support/app'], groups: [], agentGroups: [] });
      expect(compileGitlabSettings(undefined, ['acme/support']).agentGroups).to.deep.equal(['acme/support']);
    });

    it('names the path of each mistake', () => {
      const problems = (result: ReturnType<typeof file>) => result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
      expect(problems(file({ signing: { secrets: ['not-a-token'] } }))).to.deep.equal([['gitlab.signing.secrets.0', 'expected a GitLab signing token, whsec_ followed by base64']]);
      expect(problems(file({ signing: { required: true, secrets: [''] } }))).to.deep.equal([['gitlab.signing.secrets', 'signing is required, so set the signing token (whsec_…) GitLab signs with']]);
      expect(problems(file({ projects: ['app'] }))).to.deep.equal([['gitlab.projects.0', "expected the project's full path, e.g. acme/support/app"]]);
      expect(problems(file(undefined, { priority: { field: 'priority', map: {}, default: 'P4' } }))).to.deep.equal([
        ['priority.field', 'GitLab priorities come from labels or an incident\'s severity: use labels or severity, not "priority"'],
      ]);
      // Another tracker's source has no gitlab block (the config loader names whose setting it is).
      expect(file({}, { kind: 'gitea' }).error?.issues.map((issue) => [issue.code, (issue as { keys?: string[] }).keys])).to.deep.equal([['unrecognized_keys', ['gitlab']]]);
      expect(problems(file({ signing: { tolerance: 'soon' } }))).to.deep.equal([['gitlab.signing.tolerance', '"soon" is not a duration (use e.g. 5m or 30s)']]);
      expect(problems(file(undefined, { agents: { groups: ['acme support'] }, api: { token: 't' } }))).to.deep.equal([['agents.groups.0', "expected the group's full path, e.g. acme/support"]]);
      expect(problems(file(undefined, { agents: { groups: ['acme/support'] } }))).to.deep.equal([['agents.groups', "the groups' members are read through the GitLab API: set api.token (read_api scope)"]]);
      expect(file(undefined, { agents: { groups: ['acme/support'] }, api: { token: 't' } }).success).to.equal(true);
    });
  });

  describe('the #42 story through the SLA clock', () => {
    const STORY = GITLAB_ISSUE_42_WEBHOOKS;
    const eventsFor = (names: readonly string[]) =>
      names.flatMap((name) => {
        const normalized = normalizeFixture(gitlab(), name);
        return normalized.outcome === 'events' ? normalized.events : [];
      });
    const contracts = () => [...shippedConfig().contracts.values()].map((contract) => ({ ...contract, covers: [{ source: 'gitlab-demo', project: REPO }] }));
    const slaAt = (events: readonly IssueEvent[], now = at('12:00', '2026-11-27')) => runClock({ source: 'gitlab-demo', events }, contracts().filter((contract) => contract.id === 'open2bizz-saas'), now);
    const metric = (sla: IssueSla, name: string): MetricStatus => {
      if (!sla.covered) throw new Error(`not covered: ${sla.reason}`);
      return sla.metrics.find((status) => status.metric === name)!;
    };
    const spans = (status: MetricStatus) => status.segments!.map((segment) => [segment.from, segment.to, segment.priority]);

    it('reacts at the agent’s public comment (not the internal note), and measures resolution without the wait for the customer', () => {
      const sla = slaAt(eventsFor(STORY));
      expect(metric(sla, 'reaction')).to.include({ state: 'met', metAt: at('09:47:30') });
      expect(spans(metric(sla, 'reaction'))).to.deep.equal([
        [at('09:12:44'), at('09:31:05'), 'P2'],
        [at('09:31:05'), at('09:47:30'), 'P1'],
      ]);
      expect(spans(metric(sla, 'resolution'))).to.deep.equal([
        [at('09:47:30'), at('10:05:18'), 'P1'],
        [at('13:30:41'), at('16:02:57'), 'P1'],
        [at('10:15:03', '2026-11-27'), null, 'P1'],
      ]);
    });

    it('comes out the same when every delivery arrives twice, in reverse order', () => {
      expect(slaAt([...eventsFor([...STORY].reverse()), ...eventsFor(STORY)])).to.deep.equal(slaAt(eventsFor(STORY)));
    });

    it('starts an issue first heard of mid-life at its real creation time', () => {
      const sla = slaAt(eventsFor(STORY.filter((name) => name !== 'issue-opened')));
      expect(metric(sla, 'reaction')).to.include({ state: 'met', startedAt: at('09:12:44'), metAt: at('09:47:30') });
    });
  });
});
