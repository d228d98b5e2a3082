/**
 * The MantisBT reader for `sla-bridge reconcile`: MantisBT's REST API (nock at the host, through
 * the bridge's real OutboundHttp) told as the events the SlaBridge webhook gives. The REST answers
 * in test/fixtures/mantis/rest/ are shaped as MantisBT 2.28 builds them (api/soap/mc_issue_api.php
 * `mci_issue_data_as_array`, `mci_issue_get_history`): bug 1042 is the story of the webhook tests
 * (test/connectors/mantis.test.ts) as the REST API tells it after the reopen; bug 2051 was moved
 * and changed in every field the SLA reads.
 */
import { expect } from 'chai';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChangedIssuesPage, Normalized, TrackerRead, TrackerReader } from '../../connectors/connector.js';
import { mantisConnector } from '../../connectors/mantis/index.js';
import { createMantisReader } from '../../connectors/mantis/reader.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { interceptHttp } from '../support/http-interception.js';
import { shippedConfig } from '../support/shipped-config.js';

const MANTIS = 'https://mantis.example.com';
const TOKEN = 'mantis-reader-token';
const REST_FIXTURES = path.join(projectRoot(), 'test/fixtures/mantis/rest');
const WEBHOOK_FIXTURES = path.join(projectRoot(), 'test/fixtures/mantis');

type Json = Record<string, any>;

const shipped = (): Source => shippedConfig().sources.get('mantis-demo')!;
/** The shipped mantis-demo source (agents by access level 55) with a token. */
const mantis = (overrides: Partial<Source> = {}): Source => ({ ...shipped(), apiToken: TOKEN, ...overrides });

function restFixture(name: string): Json {
  return JSON.parse(readFileSync(path.join(REST_FIXTURES, `${name}.json`), 'utf8')) as Json;
}

const issue1042 = (): Json => structuredClone(restFixture('issue-1042').issues[0]);
const issue2051 = (): Json => structuredClone(restFixture('issue-2051').issues[0]);

const at = (time: string, date = '2026-11-23') => Date.parse(`${date}T${time}+01:00`);
const iso = (time: string, date = '2026-11-23') => `${date}T${time}+01:00`;

const JAN = { id: 31, name: 'jdevries', real_name: 'Jan de Vries', email: 'j.devries@amarant.nl' };
const PIETER = { id: 12, name: 'pbakker', real_name: 'Pieter Bakker', email: 'p.bakker@2value.nl' };

const ENUMS: Record<string, Record<number, string>> = {
  status: { 10: 'new', 20: 'feedback', 30: 'acknowledged', 40: 'confirmed', 50: 'assigned', 80: 'resolved', 90: 'closed' },
  priority: { 10: 'none', 20: 'low', 30: 'normal', 40: 'high', 50: 'urgent', 60: 'immediate' },
  severity: { 50: 'minor', 60: 'major', 70: 'crash' },
  view_state: { 10: 'public', 50: 'private' },
};

/** An enum value as `mci_enum_get_array_by_id` renders it for REST (English name, label, a status's colour). */
function enumValue(kind: string, id: number): Json {
  const name = ENUMS[kind]![id]!;
  return kind === 'status' ? { id, name, label: name, color: '#c2dfff' } : { id, name, label: name };
}

function fieldRow(time: string, user: Json, field: string, oldValue: unknown, newValue: unknown): Json {
  return { created_at: iso(time), user, field: { name: field, label: field }, type: { id: 0, name: 'field-updated' }, old_value: oldValue, new_value: newValue, message: field, change: 'a => b' };
}

const enumRow = (time: string, user: Json, field: string, from: number, to: number) => fieldRow(time, user, field, enumValue(field, from), enumValue(field, to));

function tagRow(time: string, user: Json, type: 'tag-added' | 'tag-deleted', name: string): Json {
  return { created_at: iso(time), user, type: { id: type === 'tag-added' ? 25 : 26, name: type }, tag: { id: 40, name }, message: `Tag: ${name}` };
}

/** Bug 1042 just after it was reported (high, new, nobody, tag sso), as the base of a change. */
function reportedBug(): Json {
  const issue = issue1042();
  issue.history = issue.history.slice(0, 2);
  delete issue.notes;
  delete issue.handler;
  return Object.assign(issue, { status: enumValue('status', 10), priority: enumValue('priority', 40), resolution: { id: 10, name: 'open', label: 'open' } });
}

function note(id: number, reporter: Json, text: string, viewState: 10 | 50, time: string, date = '2026-11-23'): Json {
  return { id, reporter, text, view_state: enumValue('view_state', viewState), attachments: [], type: 'note', created_at: iso(time, date), updated_at: iso(time, date) };
}

function reading(): { read: TrackerRead } {
  const http = new OutboundHttp({ retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  const read: TrackerRead = (request) => http.send({ ...request, method: request.method ?? 'GET' }).then((response) => ({ data: response.data, headers: response.headers }));
  return { read };
}

/** Only requests with the bare token (MantisBT 2.28 refuses `Bearer`) reach the interceptors. */
const api = () => nock(MANTIS, { reqheaders: { authorization: TOKEN } });

async function eventsOf(reader: TrackerReader, listed: Json, source = mantis()): Promise<IssueEvent[]> {
  const normalized = await reader.issueHistory(source, listed, reading().read);
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return [...normalized.events];
}

const changesOf = async (listed: Json, source = mantis()) => (await eventsOf(createMantisReader(), listed, source)).slice(1);

async function pages(reader: TrackerReader, source: Source, since: number): Promise<ChangedIssuesPage[]> {
  const result: ChangedIssuesPage[] = [];
  for await (const page of reader.changedIssues(source, since, reading().read)) result.push(page);
  return result;
}

/** A listed issue: bug 1042's shape under another id, last updated at `updated`. */
function listed(id: number, updated: number): Json {
  return { ...issue1042(), id, updated_at: new Date(updated).toISOString().replace(/\.\d{3}Z$/, '+00:00') };
}

const BUG_1042_CREATED: IssueEvent = {
  type: 'created',
  at: at('09:14:05'),
  project: 'amarant-intranet',
  component: 'Intranet portal',
  labels: ['sso'],
  environment: null,
  priority: 'P2',
  status: 'new',
  paused: false,
  title: 'Login page returns HTTP 500 after the SSO certificate change',
  assignee: null,
  synthetic: false,
};

/** Bug 1042 after the reopen, as the REST API tells it. */
const BUG_1042_STORY: readonly IssueEvent[] = [
  BUG_1042_CREATED,
  { type: 'priority_changed', at: at('09:31:40'), priority: 'P1' },
  { type: 'assigned', at: at('10:02:17'), assignee: 'pbakker' },
  { type: 'status_changed', at: at('10:02:17'), status: 'acknowledged', paused: false },
  { type: 'commented', at: at('10:05:51'), by: 'agent', public: true },
  // A `timelog` note: its 01:30 as a time record, as note_added tells it.
  { type: 'time_logged', at: at('10:05:51'), recordId: 'mantis-note:5301', seconds: 5400, author: 'pbakker' },
  { type: 'commented', at: at('10:06:30'), by: 'agent', public: false },
  { type: 'status_changed', at: at('14:20:09'), status: 'feedback', paused: true },
  { type: 'commented', at: at('11:47:33', '2026-11-24'), by: 'customer', public: true },
  { type: 'status_changed', at: at('16:03:12', '2026-11-25'), status: 'resolved', paused: false },
  { type: 'resolved', at: at('16:03:12', '2026-11-25'), status: 'resolved' },
  { type: 'status_changed', at: at('09:12:45', '2026-11-26'), status: 'feedback', paused: true },
  { type: 'reopened', at: at('09:12:45', '2026-11-26'), status: 'feedback' },
];

/** GET /api/rest/projects/7/users for agents at access level 55 or above. */
function projectUsers(scope: nock.Scope, projectId = 7, times = 1): nock.Scope {
  return scope
    .get(`/api/rest/projects/${projectId}/users`)
    .query({ access_level: '55', include_access_levels: '1', page_size: '50', page: '1' })
    .times(times)
    .reply(200, restFixture('project-7-users'));
}

describe('MantisBT reader (reconciliation through the REST API)', () => {
  interceptHttp({ cleanAfterEach: true });

  it('is made anew for each bridge, so two bridges never share what a run remembered', () => {
    const reader = mantisConnector.createReader!();
    expect(reader).to.have.all.keys('changedIssues', 'issueHistory');
    expect(mantisConnector.createReader!()).to.not.equal(reader);
  });

  describe('changedIssues', () => {
    const since = Date.parse('2026-11-26T00:00:00Z');
    const minute = 60_000;

    it('reads pages newest update first until one reaches an issue updated before `since`, and yields the rest once each', async () => {
      const first = Array.from({ length: 50 }, (_, index) => listed(3000 - index, since + (200 - index) * minute));
      // Bug 2951 was updated while page 1 was read: everything moved down one place.
      const second = [listed(2951, since + 151 * minute), ...Array.from({ length: 9 }, (_, index) => listed(2950 - index, since + (150 - index) * minute))];
      second.push(listed(2941, since - minute), ...Array.from({ length: 39 }, (_, index) => listed(2940 - index, since - (index + 2) * minute)));
      const scope = api()
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '1' })
        .reply(200, { issues: first })
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '2' })
        .reply(200, { issues: second });

      const result = await pages(createMantisReader(), mantis(), since);

      expect(result.map((page) => page.issues.map((issue) => (issue as Json).id))).to.deep.equal([
        first.map((issue) => issue.id),
        [2950, 2949, 2948, 2947, 2946, 2945, 2944, 2943, 2942],
      ]);
      expect(result.map((page) => page.total)).to.deep.equal([undefined, undefined]);
      // The listed issue is handed over as MantisBT sent it, history and notes included.
      expect(result[0]!.issues[0]).to.deep.equal(first[0]);
      expect(scope.isDone()).to.equal(true);
    });

    it('yields an issue updated exactly at `since`, and stops at a page past the last one (empty) or a short one', async () => {
      const full = Array.from({ length: 50 }, (_, index) => listed(500 - index, since + (60 - index) * minute));
      const emptyAfter = api()
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '1' })
        .reply(200, { issues: full })
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '2' })
        .reply(200, { issues: [] });
      expect((await pages(createMantisReader(), mantis(), since)).flatMap((page) => page.issues)).to.have.length(50);
      expect(emptyAfter.isDone()).to.equal(true);

      const short = api()
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '1' })
        .reply(200, { issues: [listed(7, since + minute), listed(6, since)] });
      const result = await pages(createMantisReader(), mantis(), since);
      expect(result.map((page) => page.issues.map((issue) => (issue as Json).id))).to.deep.equal([[7, 6]]);
      expect(short.isDone()).to.equal(true);
    });

    it('yields nothing when the newest update is older than `since`', async () => {
      const scope = api()
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '1' })
        .reply(200, { issues: Array.from({ length: 50 }, (_, index) => listed(100 - index, since - (index + 1) * minute)) });
      expect(await pages(createMantisReader(), mantis(), since)).to.deep.equal([]);
      expect(scope.isDone()).to.equal(true);
    });

    it('refuses to start without api.token, naming the source, before any request', async () => {
      const reader = createMantisReader();
      const iterator = reader.changedIssues(shipped(), since, reading().read)[Symbol.asyncIterator]();
      let error: unknown;
      await iterator.next().catch((caught: unknown) => (error = caught));
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.equal('mantis source mantis-demo has no api.token, which reconciliation needs to read the REST API');
      let historyError: unknown;
      await reader.issueHistory(shipped(), issue1042(), reading().read).catch((caught: unknown) => (historyError = caught));
      expect((historyError as Error).message).to.contain('api.token');
    });

    it('names the page and the field when a listed issue cannot be read', async () => {
      api()
        .get('/api/rest/issues')
        .query({ page_size: '50', page: '1' })
        .reply(200, { issues: [{ ...listed(9, since), updated_at: 'yesterday' }] });
      let error: unknown;
      await pages(createMantisReader(), mantis(), since).catch((caught: unknown) => (error = caught));
      expect((error as Error).message).to.match(/^mantis mantis-demo: issues page 1, issues\[0\]: updated_at: /);
    });
  });

  describe('issueHistory: bug 1042 as REST tells it', () => {
    it('gives the created event with the fields at creation, then every change and note at its own time', async () => {
      projectUsers(api());
      const normalized: Normalized = await createMantisReader().issueHistory(mantis(), issue1042(), reading().read);
      expect(normalized).to.deep.equal({
        outcome: 'events',
        issue: { id: '1042', key: '1042', title: BUG_1042_CREATED.title, url: 'https://mantis.example.com/view.php?id=1042' },
        events: BUG_1042_STORY,
      });
      if (normalized.outcome === 'events') for (const event of normalized.events) expect(issueEventSchema.parse(event)).to.deep.equal(event);
    });

    it('gives the same story when the server lists history newest first (history_order DESC)', async () => {
      projectUsers(api());
      const issue = issue1042();
      issue.history.reverse();
      expect(await eventsOf(createMantisReader(), issue)).to.deep.equal(BUG_1042_STORY);
    });

    it('keeps saves of one second in the order they were written, whichever way the server lists them', async () => {
      const issue = reportedBug();
      issue.status = enumValue('status', 20);
      // Pieter acknowledges and Jan answers with feedback in the same second: two saves.
      issue.history.push(enumRow('11:00:00', PIETER, 'status', 10, 30), enumRow('11:00:00', JAN, 'status', 30, 20));
      const expected = [
        { ...BUG_1042_CREATED },
        { type: 'status_changed', at: at('11:00:00'), status: 'acknowledged', paused: false },
        { type: 'status_changed', at: at('11:00:00'), status: 'feedback', paused: true },
      ];
      expect(await eventsOf(createMantisReader(), issue)).to.deep.equal(expected);
      issue.history.reverse();
      expect(await eventsOf(createMantisReader(), issue)).to.deep.equal(expected);
    });

    it('equals what the webhooks gave for the same facts: same types and content, times within 60 s', async () => {
      projectUsers(api());
      const fromRest = await eventsOf(createMantisReader(), issue1042());
      // Every delivery up to the reopen; each one's first event is the synthetic created of its current
      // fields, and an update's or a note's last one how it showed the issue (observed): not facts of their own.
      const fromWebhooks = [
        '01-issue-reported',
        '02-priority-raised',
        '03-acknowledged-and-assigned',
        '04-note-developer-public',
        '05-note-developer-private',
        '06-status-feedback',
        '07-note-reporter',
        '08-status-resolved',
        '09-reopened',
      ].flatMap((name) => {
        const { body } = JSON.parse(readFileSync(path.join(WEBHOOK_FIXTURES, `${name}.json`), 'utf8')) as { body: unknown };
        const normalized = mantisConnector.normalize(shipped(), mantisConnector.payloadSchema.parse(body), { headers: {}, rawBody: Buffer.from(JSON.stringify(body)) });
        if (normalized.outcome !== 'events') throw new Error(name);
        return normalized.events.slice(1).filter((event) => event.type !== 'observed');
      });
      const content = ({ at: _at, ...rest }: IssueEvent) => rest;
      expect(fromRest.map(content)).to.deep.equal(fromWebhooks.map(content));
      fromRest.forEach((event, index) => expect(Math.abs(event.at - fromWebhooks[index]!.at), `${index}: ${event.type}`).to.be.at.most(60_000));
    });
  });

  describe('issueHistory: each kind of change gives exactly the events its webhook gives', () => {
    const CHANGE = '11:00:00';
    const when = at(CHANGE);
    const withEnvironment = (): Source => mantis({ environment: { labels: new Map([['productie', 'production']]), field: 'Omgeving' } });

    const SCENARIOS: readonly { name: string; current: Json; rows: Json[]; source?: () => Source; expected: IssueEvent[] }[] = [
      {
        name: 'status new to acknowledged',
        current: { status: enumValue('status', 30) },
        rows: [enumRow(CHANGE, PIETER, 'status', 10, 30)],
        expected: [{ type: 'status_changed', at: when, status: 'acknowledged', paused: false }],
      },
      {
        name: 'status to feedback pauses',
        current: { status: enumValue('status', 20) },
        rows: [enumRow(CHANGE, PIETER, 'status', 10, 20)],
        expected: [{ type: 'status_changed', at: when, status: 'feedback', paused: true }],
      },
      {
        name: 'resolving',
        current: { status: enumValue('status', 80) },
        rows: [enumRow(CHANGE, PIETER, 'status', 10, 80), fieldRow(CHANGE, PIETER, 'resolution', { id: 10, name: 'open', label: 'open' }, { id: 20, name: 'fixed', label: 'fixed' })],
        expected: [
          { type: 'status_changed', at: when, status: 'resolved', paused: false },
          { type: 'resolved', at: when, status: 'resolved' },
        ],
      },
      {
        name: 'reopening into feedback',
        current: { status: enumValue('status', 20) },
        rows: [enumRow('10:00:00', PIETER, 'status', 10, 80), enumRow(CHANGE, JAN, 'status', 80, 20)],
        expected: [
          { type: 'status_changed', at: at('10:00:00'), status: 'resolved', paused: false },
          { type: 'resolved', at: at('10:00:00'), status: 'resolved' },
          { type: 'status_changed', at: when, status: 'feedback', paused: true },
          { type: 'reopened', at: when, status: 'feedback' },
        ],
      },
      {
        name: 'closing a resolved issue: a status change only',
        current: { status: enumValue('status', 90) },
        rows: [enumRow('10:00:00', PIETER, 'status', 10, 80), enumRow(CHANGE, PIETER, 'status', 80, 90)],
        expected: [
          { type: 'status_changed', at: at('10:00:00'), status: 'resolved', paused: false },
          { type: 'resolved', at: at('10:00:00'), status: 'resolved' },
          { type: 'status_changed', at: when, status: 'closed', paused: false },
        ],
      },
      {
        name: 'priority high to urgent',
        current: { priority: enumValue('priority', 50) },
        rows: [enumRow(CHANGE, JAN, 'priority', 40, 50)],
        expected: [{ type: 'priority_changed', at: when, priority: 'P1' }],
      },
      {
        name: 'priority urgent to immediate: P1 either way',
        current: { priority: enumValue('priority', 60) },
        rows: [enumRow('10:00:00', JAN, 'priority', 40, 50), enumRow(CHANGE, JAN, 'priority', 50, 60)],
        expected: [{ type: 'priority_changed', at: at('10:00:00'), priority: 'P1' }],
      },
      {
        name: 'taking the issue, in one save with the status',
        current: { handler: PIETER, status: enumValue('status', 50) },
        rows: [fieldRow(CHANGE, PIETER, 'handler', { id: 0 }, PIETER), enumRow(CHANGE, PIETER, 'status', 10, 50)],
        expected: [
          { type: 'assigned', at: when, assignee: 'pbakker' },
          { type: 'status_changed', at: when, status: 'assigned', paused: false },
        ],
      },
      {
        name: 'handing the issue to nobody',
        current: {},
        rows: [fieldRow('10:00:00', PIETER, 'handler', { id: 0 }, PIETER), fieldRow(CHANGE, PIETER, 'handler', PIETER, { id: 0 })],
        expected: [
          { type: 'assigned', at: at('10:00:00'), assignee: 'pbakker' },
          { type: 'assigned', at: when, assignee: null },
        ],
      },
      {
        name: 'handed to a user deleted since (the answer keeps only the id)',
        current: { handler: { id: 50 } },
        rows: [fieldRow(CHANGE, PIETER, 'handler', { id: 0 }, { id: 50 })],
        expected: [{ type: 'assigned', at: when, assignee: 'user 50' }],
      },
      {
        name: 'another category: a move within the project',
        current: { category: { id: 1, name: 'General' } },
        rows: [fieldRow(CHANGE, PIETER, 'category', 'Intranet portal', 'General')],
        expected: [{ type: 'moved', at: when, project: 'amarant-intranet', component: 'General' }],
      },
      {
        name: 'no category any more (the text MantisBT writes in the saving user’s language)',
        current: { category: undefined },
        rows: [fieldRow(CHANGE, PIETER, 'category', 'Intranet portal', '(geen categorie)')],
        expected: [{ type: 'moved', at: when, project: 'amarant-intranet', component: undefined }],
      },
      {
        name: 'tag attached: labels in MantisBT’s order',
        current: { tags: [{ id: 40, name: 'login' }, { id: 3, name: 'sso' }] },
        rows: [tagRow(CHANGE, PIETER, 'tag-added', 'login')],
        expected: [{ type: 'labels_changed', at: when, labels: ['login', 'sso'] }],
      },
      {
        name: 'tag detached',
        current: { tags: undefined },
        rows: [tagRow(CHANGE, PIETER, 'tag-deleted', 'sso')],
        expected: [{ type: 'labels_changed', at: when, labels: [] }],
      },
      {
        name: 'a tag renamed everywhere: no webhook, no event',
        current: { tags: [{ id: 3, name: 'single-sign-on' }] },
        rows: [{ created_at: iso(CHANGE), user: PIETER, type: { id: 27, name: 'tag-updated' }, old_value: 'sso', new_value: 'single-sign-on', message: 'Tag renamed', change: 'sso => single-sign-on' }],
        expected: [],
      },
      {
        name: 'the environment custom field, with the labels, in one save',
        source: withEnvironment,
        current: { custom_fields: [{ field: { id: 5, name: 'Omgeving' }, value: 'productie' }] },
        rows: [fieldRow(CHANGE, PIETER, 'Omgeving', 'test', 'productie')],
        expected: [{ type: 'environment_changed', at: when, environment: 'productie' }],
      },
      {
        name: 'the environment from a mapped tag',
        source: () => mantis({ environment: { labels: new Map([['productie', 'production']]) } }),
        current: { tags: [{ id: 5, name: 'productie' }, { id: 3, name: 'sso' }] },
        rows: [tagRow(CHANGE, PIETER, 'tag-added', 'productie')],
        expected: [
          { type: 'environment_changed', at: when, environment: 'production' },
          { type: 'labels_changed', at: when, labels: ['productie', 'sso'] },
        ],
      },
      {
        name: 'an untracked custom field, the description and a file: nothing the clock reads',
        current: { custom_fields: [{ field: { id: 2, name: 'Customer reference' }, value: 'AMR-2026-119' }] },
        rows: [
          fieldRow(CHANGE, PIETER, 'Customer reference', 'AMR-2026-118', 'AMR-2026-119'),
          { created_at: iso(CHANGE), user: PIETER, type: { id: 6, name: 'issue-description-updated' }, message: 'Description Updated' },
          { created_at: iso(CHANGE), user: PIETER, type: { id: 9, name: 'file-added' }, file: { id: 1, filename: 'log.txt' }, message: 'File Added: log.txt' },
        ],
        expected: [],
      },
    ];

    for (const scenario of SCENARIOS) {
      it(scenario.name, async () => {
        const issue = reportedBug();
        for (const [key, value] of Object.entries(scenario.current)) {
          if (value === undefined) delete issue[key];
          else issue[key] = value;
        }
        issue.history.push(...scenario.rows);
        const source = scenario.source?.() ?? mantis();
        expect(await changesOf(issue, source)).to.deep.equal(scenario.expected);
      });
    }

    it('a category given to an uncategorised issue: it had none at creation, in any language', async () => {
      for (const none of ['(No Category)', '(Keine Kategorie)', '（无分类）']) {
        const issue = reportedBug();
        issue.category = { id: 1, name: 'General' };
        issue.history.push(fieldRow(CHANGE, PIETER, 'category', none, 'General'));
        const events = await eventsOf(createMantisReader(), issue);
        expect(events[0], none).to.have.property('component', undefined);
        expect(events.slice(1), none).to.deep.equal([{ type: 'moved', at: when, project: 'amarant-intranet', component: 'General' }]);
      }
    });

    it('a move to another project names both projects, reading the old one’s name once', async () => {
      const scope = api().get('/api/rest/projects/9').once().reply(200, restFixture('project-9'));
      const issue = reportedBug();
      issue.history.push(fieldRow(CHANGE, PIETER, 'project_id', '9', '7'));
      // Reported in webshop-basic: the created event says so.
      const reader = createMantisReader();
      const events = await eventsOf(reader, issue);
      expect(events[0]).to.include({ project: 'webshop-basic', component: 'Intranet portal' });
      expect(events.slice(1)).to.deep.equal([{ type: 'moved', at: when, project: 'amarant-intranet', component: 'Intranet portal' }]);
      expect((await eventsOf(reader, issue))[0]).to.include({ project: 'webshop-basic' });
      expect(scope.isDone()).to.equal(true);
    });

    it('a move from a project that is gone shows it as MantisBT does, @id@', async () => {
      api().get('/api/rest/projects/4').reply(404, '');
      const issue = reportedBug();
      issue.history.push(fieldRow(CHANGE, PIETER, 'project_id', '4', '7'));
      expect((await eventsOf(createMantisReader(), issue))[0]).to.include({ project: '@4@' });
    });

    it('names the history row and field it cannot read', async () => {
      const issue = reportedBug();
      issue.history.push(fieldRow(CHANGE, PIETER, 'status', 'new', 'acknowledged'));
      let error: unknown;
      await createMantisReader()
        .issueHistory(mantis(), issue, reading().read)
        .catch((caught: unknown) => (error = caught));
      expect((error as Error).message).to.match(/^mantis mantis-demo: issue 1042 history\[2\]: status old_value: /);
    });
  });

  describe('issueHistory: notes, by agents and customers, public and private', () => {
    const byNames = (users: string[], domains: string[] = []): Source => mantis({ agents: { users: new Set(users), domains } });
    const NOTES: readonly { name: string; note: Json; source?: () => Source; lookup: boolean; expected: IssueEvent[] }[] = [
      {
        name: 'a developer (level 55 in the project) in public: an agent’s reply',
        note: note(6001, PIETER, 'Looking into it.', 10, '11:30:00'),
        lookup: true,
        expected: [{ type: 'commented', at: at('11:30:00'), by: 'agent', public: true }],
      },
      {
        name: 'a developer in private',
        note: note(6002, PIETER, 'Intern: logs bekijken.', 50, '11:31:00'),
        lookup: true,
        expected: [{ type: 'commented', at: at('11:31:00'), by: 'agent', public: false }],
      },
      {
        name: 'the reporter (not in the project’s agents): the customer',
        note: note(6003, JAN, 'Still broken.', 10, '11:32:00'),
        lookup: true,
        expected: [{ type: 'commented', at: at('11:32:00'), by: 'customer', public: true }],
      },
      {
        name: 'a user the source names in agents.users: no lookup',
        source: () => byNames(['jdevries']),
        note: note(6004, JAN, 'Answered by phone.', 10, '11:33:00'),
        lookup: false,
        expected: [{ type: 'commented', at: at('11:33:00'), by: 'agent', public: true }],
      },
      {
        name: 'an e-mail in the agents’ domain',
        source: () => byNames([], ['2value.nl']),
        note: note(6005, PIETER, 'Fixed on staging.', 10, '11:34:00'),
        lookup: false,
        expected: [{ type: 'commented', at: at('11:34:00'), by: 'agent', public: true }],
      },
      {
        name: 'a user without e-mail in the answer (token without user management), by level',
        note: note(6006, { id: 12, name: 'pbakker' }, 'On it.', 10, '11:35:00'),
        lookup: true,
        expected: [{ type: 'commented', at: at('11:35:00'), by: 'agent', public: true }],
      },
      {
        name: 'a deleted user (only an id left): the customer, no lookup',
        note: note(6007, { id: 77 }, 'Old remark.', 10, '11:36:00'),
        lookup: false,
        expected: [{ type: 'commented', at: at('11:36:00'), by: 'customer', public: true }],
      },
      {
        name: 'a note without text (time booked only): nothing',
        note: note(6008, PIETER, ' \n', 10, '11:37:00'),
        lookup: false,
        expected: [],
      },
    ];

    for (const scenario of NOTES) {
      it(scenario.name, async () => {
        const scope = scenario.lookup ? projectUsers(api()) : undefined;
        const issue = reportedBug();
        issue.notes = [scenario.note];
        expect(await changesOf(issue, scenario.source?.() ?? mantis())).to.deep.equal(scenario.expected);
        if (scope) expect(scope.isDone()).to.equal(true);
      });
    }

    it('a note made private later counts as it was added: public', async () => {
      projectUsers(api());
      const issue = reportedBug();
      issue.notes = [note(6010, PIETER, 'Customer password was in here.', 50, '11:40:00')];
      issue.history.push(
        { created_at: iso('11:40:00'), user: PIETER, type: { id: 2, name: 'note-added' }, note: { id: 6010 }, message: 'Note Added: 0006010' },
        { created_at: iso('11:45:00'), user: PIETER, type: { id: 11, name: 'note-view-state-updated' }, view_state: enumValue('view_state', 50), note: { id: 6010 }, message: 'Note View State: 0006010: private' },
      );
      expect(await changesOf(issue)).to.deep.equal([{ type: 'commented', at: at('11:40:00'), by: 'agent', public: true }]);
    });

    it('asks for the agents of a project once per run, and again in the next run', async () => {
      const scope = projectUsers(api(), 7, 2);
      const issue = reportedBug();
      issue.notes = [note(6011, PIETER, 'One.', 10, '11:50:00'), note(6012, JAN, 'Two.', 10, '11:51:00')];
      const reader = createMantisReader();
      await eventsOf(reader, issue);
      await eventsOf(reader, { ...issue, id: 1043 });
      expect(scope.pendingMocks()).to.have.length(1);
      api().get('/api/rest/issues').query(true).reply(200, { issues: [] });
      await pages(reader, mantis(), 0);
      await eventsOf(reader, issue);
      expect(scope.isDone()).to.equal(true);
    });

    it('tells what to do when MantisBT has no project users endpoint (before 2.26) and agents go by level', async () => {
      api().get('/api/rest/projects/7/users').query(true).reply(404, { message: 'Not Found' });
      const issue = reportedBug();
      issue.notes = [note(6013, PIETER, 'Hello.', 10, '11:55:00')];
      let error: unknown;
      await createMantisReader()
        .issueHistory(mantis(), issue, reading().read)
        .catch((caught: unknown) => (error = caught));
      expect((error as Error).message).to.match(/^mantis mantis-demo: agents\.min_access_level needs the access levels of project 7's users/);
      expect((error as Error).message).to.contain('MantisBT before 2.26').and.contain('agents.users or agents.domains');
      expect((error as Error).message).not.to.contain(TOKEN);
    });
  });

  describe('issueHistory: the fields at creation', () => {
    it('rebuilds them from the history: project, category, priority, severity, handler, status, tags, custom field, summary', async () => {
      api().get('/api/rest/projects/9').reply(200, restFixture('project-9'));
      const source = mantis({
        priority: { field: 'severity', map: new Map([['crash', 'P1'], ['major', 'P2'], ['minor', 'P3']]), default: 'P4' },
        environment: { labels: new Map(), field: 'Omgeving' },
      });
      const events = await eventsOf(createMantisReader(), issue2051(), source);
      const moment = (time: string) => at(time, '2026-11-30');
      expect(events).to.deep.equal([
        {
          type: 'created',
          at: moment('08:40:12'),
          project: 'webshop-basic',
          component: 'General',
          labels: ['login'],
          environment: 'test',
          priority: 'P3',
          status: 'new',
          paused: false,
          title: 'Checkout hangs',
          assignee: null,
          synthetic: false,
        },
        { type: 'moved', at: moment('09:05:00'), project: 'amarant-intranet', component: 'Intranet portal' },
        { type: 'priority_changed', at: moment('09:20:31'), priority: 'P1' },
        { type: 'environment_changed', at: moment('09:20:31'), environment: 'productie' },
        { type: 'labels_changed', at: moment('09:21:02'), labels: ['login', 'productie'] },
        { type: 'labels_changed', at: moment('09:21:09'), labels: ['productie'] },
        { type: 'assigned', at: moment('09:44:50'), assignee: 'pbakker' },
        { type: 'status_changed', at: moment('09:44:50'), status: 'confirmed', paused: false },
      ]);
    });

    it('takes the status and handler an issue was reported with (written right after issue-new) as its creation', async () => {
      const issue = reportedBug();
      Object.assign(issue, { handler: PIETER, status: enumValue('status', 50) });
      issue.history.splice(1, 0, enumRow('09:14:05', JAN, 'status', 10, 50), fieldRow('09:14:06', JAN, 'handler', { id: 0 }, PIETER));
      expect(await eventsOf(createMantisReader(), issue)).to.deep.equal([{ ...BUG_1042_CREATED, status: 'assigned', assignee: 'pbakker' }]);
    });

    it('keeps a change a REST client saved right after the creation, in the same second with the same token', async () => {
      // MantisBT 2.28.4, recorded: POST /issues then PATCH priority gives issue-new and a priority row, one second, one user.
      const issue = reportedBug();
      Object.assign(issue, { priority: enumValue('priority', 50) });
      issue.history.push(enumRow('09:14:05', JAN, 'priority', 40, 50));
      expect(await eventsOf(createMantisReader(), issue)).to.deep.equal([BUG_1042_CREATED, { type: 'priority_changed', at: at('09:14:05'), priority: 'P1' }]);
    });

    it('keeps an assignment saved right after a creation without a handler (an update logs the handler, then the status)', async () => {
      const issue = reportedBug();
      Object.assign(issue, { handler: PIETER, status: enumValue('status', 50) });
      issue.history.push(fieldRow('09:14:06', JAN, 'handler', { id: 0 }, PIETER), enumRow('09:14:06', JAN, 'status', 10, 50));
      expect(await eventsOf(createMantisReader(), issue)).to.deep.equal([
        BUG_1042_CREATED,
        { type: 'assigned', at: at('09:14:06'), assignee: 'pbakker' },
        { type: 'status_changed', at: at('09:14:06'), status: 'assigned', paused: false },
      ]);
    });

    it('reads the issue on its own when the listing left the history out', async () => {
      projectUsers(api());
      const listedIssue = issue1042();
      delete listedIssue.history;
      const scope = api().get('/api/rest/issues/1042').reply(200, restFixture('issue-1042'));
      expect(await eventsOf(createMantisReader(), listedIssue)).to.deep.equal(BUG_1042_STORY);
      expect(scope.isDone()).to.equal(true);
    });

    it('builds a synthetic created event from the current fields when the token may not see the history', async () => {
      projectUsers(api());
      const withoutHistory = issue1042();
      delete withoutHistory.history;
      api().get('/api/rest/issues/1042').reply(200, { issues: [withoutHistory] });
      expect(await eventsOf(createMantisReader(), withoutHistory)).to.deep.equal([
        { ...BUG_1042_CREATED, priority: 'P1', status: 'feedback', paused: true, assignee: 'pbakker', synthetic: true },
        ...BUG_1042_STORY.filter((event) => event.type === 'commented' || event.type === 'time_logged'),
      ]);
    });
  });
});
