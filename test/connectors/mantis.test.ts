/**
 * The MantisBT connector and the SlaBridge plugin that feeds it, against the shipped mantis-demo
 * source. The story of bug 1042 in amarant-intranet (2Value SLA Pro), Amsterdam time, the week of
 * Monday 2026-11-23: reported at high priority, raised to urgent, acknowledged and taken by a
 * developer, answered publicly and noted privately, put in feedback, answered by the reporter,
 * resolved, reopened (MantisBT reopens into feedback), deleted.
 *
 * The plugin runs for real under `php` (test/connectors/mantis-plugin-harness.php stands in for
 * MantisBT) and posts to a local HTTP server; what it sends must equal the fixtures byte for byte
 * apart from the time it was sent. Without php these tests fail: install php-cli.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { IssueRef, Normalized, WebhookDelivery } from '../../connectors/connector.js';
import { mantisConnector, type MantisPayload } from '../../connectors/mantis/index.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { runClock, type IssueSla } from '../../src/domain/sla-clock.js';
import type { MetricStatus } from '../../src/domain/metric-status.js';
import { projectRoot } from '../../src/project-root.js';
import { DEMO_SECRETS, shippedConfig } from '../support/shipped-config.js';

interface Fixture {
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

const FIXTURES = path.join(projectRoot(), 'test/fixtures/mantis');
const HARNESS = path.join(projectRoot(), 'test/connectors/mantis-plugin-harness.php');
const HARNESS_DONE = 'SLA-BRIDGE-HARNESS-DONE';
const SECRET = DEMO_SECRETS.MANTIS_WEBHOOK_SECRET;

const mantis = (): Source => shippedConfig().sources.get('mantis-demo')!;

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

/** The body as the plugin sends it: compact JSON, unescaped slashes and Unicode, like PHP's json_encode with those flags. */
function deliveryOf(body: unknown, headers: IncomingHttpHeaders = {}): WebhookDelivery {
  return { headers, rawBody: Buffer.from(JSON.stringify(body)) };
}

function parse(delivery: WebhookDelivery): MantisPayload {
  return mantisConnector.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
}

function normalizeDelivery(source: Source, delivery: WebhookDelivery): Normalized {
  return mantisConnector.normalize(source, parse(delivery), delivery);
}

function normalizeFixture(name: string, edit: (body: Record<string, any>) => void = () => {}, source = mantis()): Normalized {
  const { headers, body } = fixture(name);
  const copy = structuredClone(body);
  edit(copy);
  return normalizeDelivery(source, deliveryOf(copy, headers));
}

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}

/** The events between the synthetic created every delivery starts with and the observed fields an update or a note ends with. */
const changesOf = (normalized: Normalized) => eventsOf(normalized).slice(1).filter((event) => event.type !== 'observed');

const at = (time: string, date = '2026-11-23') => Date.parse(`${date}T${time}+01:00`);

const CREATED_AT = at('09:14:05');
const BUG_1042: IssueRef = {
  id: '1042',
  key: '1042',
  title: 'Login page returns HTTP 500 after the SSO certificate change',
  url: 'https://mantis.example.com/view.php?id=1042',
};

/** Bug 1042's fields as a created event; every delivery carries them as they are at that moment. */
function created(fields: Partial<Extract<IssueEvent, { type: 'created' }>>): IssueEvent {
  return {
    type: 'created',
    at: CREATED_AT,
    project: 'amarant-intranet',
    component: 'Intranet portal',
    labels: ['sso'],
    environment: null,
    priority: 'P1',
    status: 'new',
    paused: false,
    title: BUG_1042.title,
    assignee: null,
    synthetic: true,
    ...fields,
  };
}

const TAKEN = { status: 'acknowledged', assignee: 'pbakker' } as const;
const WAITING = { status: 'feedback', paused: true, assignee: 'pbakker' } as const;

/** How an update or a note showed bug 1042: its fields as the plugin read them at the event. */
function observed(when: number, fields: Partial<Extract<IssueEvent, { type: 'observed' }>> = {}): IssueEvent {
  return { type: 'observed', at: when, status: 'new', paused: false, resolved: false, priority: 'P1', assignee: null, ...fields };
}

/** Each delivery's time is the fixture's `timestamp`: when the plugin saw the change. */
const TIME_5301: IssueEvent = { type: 'time_logged', at: at('10:05:51'), recordId: 'mantis-note:5301', seconds: 5400, author: 'pbakker' };

const EXPECTATIONS: readonly { readonly fixture: string; readonly events: readonly IssueEvent[] }[] = [
  {
    fixture: '01-issue-reported',
    events: [created({ priority: 'P2' }), created({ priority: 'P2', at: at('09:14:05.412'), synthetic: false })],
  },
  {
    fixture: '02-priority-raised',
    events: [created({}), { type: 'priority_changed', at: at('09:31:40.187'), priority: 'P1' }, observed(at('09:31:40.187'))],
  },
  {
    fixture: '03-acknowledged-and-assigned',
    events: [
      created(TAKEN),
      { type: 'assigned', at: at('10:02:17.054'), assignee: 'pbakker' },
      { type: 'status_changed', at: at('10:02:17.054'), status: 'acknowledged', paused: false },
      observed(at('10:02:17.054'), TAKEN),
    ],
  },
  {
    fixture: '04-note-developer-public',
    events: [
      created(TAKEN),
      { type: 'commented', at: at('10:05:51.730'), by: 'agent', public: true },
      // 1:30 booked with the note: a time record stamped with the note's creation (seconds, as MantisBT keeps it).
      TIME_5301,
      observed(at('10:05:51.730'), TAKEN),
    ],
  },
  {
    fixture: '05-note-developer-private',
    events: [created(TAKEN), { type: 'commented', at: at('10:06:30.088'), by: 'agent', public: false }, observed(at('10:06:30.088'), TAKEN)],
  },
  {
    fixture: '06-status-feedback',
    events: [created(WAITING), { type: 'status_changed', at: at('14:20:09.301'), status: 'feedback', paused: true }, observed(at('14:20:09.301'), WAITING)],
  },
  {
    fixture: '07-note-reporter',
    events: [
      created(WAITING),
      { type: 'commented', at: at('11:47:33.015', '2026-11-24'), by: 'customer', public: true },
      observed(at('11:47:33.015', '2026-11-24'), WAITING),
    ],
  },
  {
    fixture: '08-status-resolved',
    events: [
      created({ status: 'resolved', assignee: 'pbakker' }),
      { type: 'status_changed', at: at('16:03:12.642', '2026-11-25'), status: 'resolved', paused: false },
      { type: 'resolved', at: at('16:03:12.642', '2026-11-25'), status: 'resolved' },
      observed(at('16:03:12.642', '2026-11-25'), { status: 'resolved', resolved: true, assignee: 'pbakker' }),
    ],
  },
  {
    fixture: '09-reopened',
    events: [
      created(WAITING),
      { type: 'status_changed', at: at('09:12:45.009', '2026-11-26'), status: 'feedback', paused: true },
      { type: 'reopened', at: at('09:12:45.009', '2026-11-26'), status: 'feedback' },
      observed(at('09:12:45.009', '2026-11-26'), WAITING),
    ],
  },
  {
    fixture: '10-issue-deleted',
    events: [created(WAITING), { type: 'deleted', at: at('10:15:21.266', '2026-11-27') }],
  },
];

const STORY = EXPECTATIONS.map((expectation) => expectation.fixture);

describe('MantisBT connector', () => {
  describe('normalize: each delivery of the story gives exactly these engine events', () => {
    for (const expectation of EXPECTATIONS) {
      it(`${expectation.fixture}: ${fixture(expectation.fixture).description}`, () => {
        expect(normalizeFixture(expectation.fixture)).to.deep.equal({ outcome: 'events', issue: BUG_1042, events: expectation.events });
      });
    }

    it('has an expectation for every fixture file; fixtures carry no signature and name their event in the header', () => {
      const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json')).map((file) => file.replace(/\.json$/, ''));
      expect(files.sort()).to.deep.equal([...STORY].sort());
      for (const name of files) {
        const { headers, body } = fixture(name);
        expect(Object.keys(headers).sort(), name).to.deep.equal(['content-type', 'x-mantis-delivery', 'x-mantis-event']);
        expect(headers['x-mantis-event'], name).to.equal(body.event);
      }
    });

    it('produces events the engine accepts as they are (every default already filled in)', () => {
      for (const name of STORY) {
        for (const event of eventsOf(normalizeFixture(name))) expect(issueEventSchema.parse(event), name).to.deep.equal(event);
      }
    });
  });

  describe('normalize: what an update, a note and the source settings mean', () => {
    const UPDATE = '02-priority-raised';

    it('reports a project move, and a category change as a move within the project', () => {
      const moved = normalizeFixture(UPDATE, (body) => {
        body.previous.project = { id: 9, name: 'webshop-basic' };
      });
      expect(changesOf(moved)).to.deep.include({ type: 'moved', at: at('09:31:40.187'), project: 'amarant-intranet', component: 'Intranet portal' });
      const recategorised = normalizeFixture(UPDATE, (body) => {
        body.previous.category = 'General';
        body.previous.priority = body.issue.priority;
        body.issue.category = null;
      });
      expect(changesOf(recategorised)).to.deep.equal([{ type: 'moved', at: at('09:31:40.187'), project: 'amarant-intranet', component: undefined }]);
    });

    it('reports no priority change between names the source maps alike (urgent and immediate are both P1)', () => {
      const same = normalizeFixture(UPDATE, (body) => {
        body.previous.priority = { id: 60, name: 'immediate' };
      });
      expect(changesOf(same)).to.deep.equal([]);
    });

    it('reads the priority from the severity when the source says so', () => {
      const bySeverity: Source = { ...mantis(), priority: { field: 'severity', map: new Map([['major', 'P2'], ['crash', 'P1']]), default: 'P4' } };
      const normalized = normalizeFixture(
        UPDATE,
        (body) => {
          body.issue.severity = { id: 70, name: 'crash' };
        },
        bySeverity,
      );
      expect(eventsOf(normalized)[0]).to.include({ priority: 'P1' });
      expect(changesOf(normalized)).to.deep.equal([{ type: 'priority_changed', at: at('09:31:40.187'), priority: 'P1' }]);
    });

    it('reads the environment from the custom field the source names, and reports its change', () => {
      const byField: Source = { ...mantis(), environment: { labels: new Map(), field: 'Omgeving' } };
      const normalized = normalizeFixture(
        UPDATE,
        (body) => {
          body.previous.priority = body.issue.priority;
          body.previous.custom_fields = { Omgeving: 'test' };
          body.issue.custom_fields = { Omgeving: 'productie' };
        },
        byField,
      );
      expect(eventsOf(normalized)[0]).to.include({ environment: 'productie' });
      expect(changesOf(normalized)).to.deep.equal([{ type: 'environment_changed', at: at('09:31:40.187'), environment: 'productie' }]);
    });

    it('reports changed tags as labels, in any order, and claims nothing when the plugin could not read them before', () => {
      const retagged = (previousTags: string[] | undefined) =>
        changesOf(
          normalizeFixture(UPDATE, (body) => {
            body.previous.priority = body.issue.priority;
            body.issue.tags = ['sso', 'login'];
            if (previousTags) body.previous.tags = previousTags;
            else delete body.previous.tags;
          }),
        );
      expect(retagged(['sso'])).to.deep.equal([{ type: 'labels_changed', at: at('09:31:40.187'), labels: ['sso', 'login'] }]);
      expect(retagged(['login', 'sso'])).to.deep.equal([]);
      expect(retagged(undefined)).to.deep.equal([]);
    });

    it('reports closing a resolved issue as a status change only: it was resolved already', () => {
      const closed = normalizeFixture('08-status-resolved', (body) => {
        body.previous.status = { id: 80, name: 'resolved' };
        body.issue.status = { id: 90, name: 'closed' };
      });
      expect(changesOf(closed)).to.deep.equal([{ type: 'status_changed', at: at('16:03:12.642', '2026-11-25'), status: 'closed', paused: false }]);
    });

    it('reports taking the issue off someone as an assignment to nobody', () => {
      const unassigned = normalizeFixture('06-status-feedback', (body) => {
        body.previous.status = body.issue.status;
        body.issue.handler = null;
      });
      expect(changesOf(unassigned)).to.deep.equal([{ type: 'assigned', at: at('14:20:09.301'), assignee: null }]);
    });

    it('takes a note without text for time booking, not a reply', () => {
      const timeOnly = normalizeFixture('04-note-developer-public', (body) => {
        body.note.text = '  \n';
      });
      expect(changesOf(timeOnly)).to.deep.equal([TIME_5301]);
    });

    it('counts a note by a deleted user, or by a user below developer level, as the customer', () => {
      const byNobody = normalizeFixture('04-note-developer-public', (body) => {
        body.note.reporter = null;
      });
      expect(changesOf(byNobody)).to.deep.equal([{ type: 'commented', at: at('10:05:51.730'), by: 'customer', public: true }, { ...TIME_5301, author: null }]);
      const byUpdater = normalizeFixture('04-note-developer-public', (body) => {
        body.note.reporter.access_level = 40;
      });
      expect(changesOf(byUpdater)).to.deep.include({ type: 'commented', at: at('10:05:51.730'), by: 'customer', public: true });
    });

    it('recognises an agent the source names by login, real name or e-mail domain, whatever the access level', () => {
      const base = mantis();
      const agentsBy = (agents: Partial<Source['agents']>): Source => ({ ...base, agents: { users: new Set(), domains: [], ...agents } });
      for (const source of [agentsBy({ users: new Set(['jdevries']) }), agentsBy({ users: new Set(['jan de vries']) }), agentsBy({ domains: ['amarant.nl'] })]) {
        expect(changesOf(normalizeFixture('07-note-reporter', () => {}, source))).to.deep.equal([
          { type: 'commented', at: at('11:47:33.015', '2026-11-24'), by: 'agent', public: true },
        ]);
      }
    });

    it('reads a group action (an update without a state from before) through the fields it shows', () => {
      const events = eventsOf(normalizeFixture('03-acknowledged-and-assigned', (body) => delete body.previous));
      expect(events.slice(1)).to.deep.equal([observed(at('10:02:17.054'), TAKEN)]);
    });

    it('leaves the component out for an issue without a category', () => {
      const uncategorised = normalizeFixture('01-issue-reported', (body) => {
        body.issue.category = null;
      });
      expect(eventsOf(uncategorised)[0]).to.have.property('component', undefined);
    });
  });

  describe('payload schema', () => {
    const schema = mantisConnector.payloadSchema;

    it('accepts every fixture, and fields a newer plugin might add', () => {
      for (const name of STORY) expect(schema.safeParse(fixture(name).body).success, name).to.equal(true);
      const body = structuredClone(fixture('04-note-developer-public').body) as Record<string, any>;
      body.plugin_version = '2.0.0';
      body.issue.resolution = { id: 10, name: 'open' };
      body.note.type = 'time_tracking';
      expect(schema.parse(body)).to.deep.include({ plugin_version: '2.0.0' });
    });

    it('accepts a previous state without tags and custom fields (read before the save only when possible)', () => {
      const body = structuredClone(fixture('02-priority-raised').body) as Record<string, any>;
      delete body.previous.tags;
      delete body.previous.custom_fields;
      delete body.previous.category;
      expect(schema.safeParse(body).success).to.equal(true);
    });

    it('refuses what the SLA cannot do without, naming the field', () => {
      const refusal = (edit: (body: Record<string, any>) => void, name = '02-priority-raised') => {
        const body = structuredClone(fixture(name).body) as Record<string, any>;
        edit(body);
        const result = schema.safeParse(body);
        return result.success ? 'accepted' : result.error.issues[0]!.path.join('.');
      };
      expect(refusal((body) => (body.issue.created_at = '2026-11-23T09:14:05+01:00'))).to.equal('issue.created_at');
      expect(refusal((body) => (body.timestamp = 1795422700187.5))).to.equal('timestamp');
      expect(refusal((body) => (body.issue.status = { id: 20 }))).to.equal('issue.status.name');
      expect(refusal((body) => (body.note.view_state = 'hidden'), '04-note-developer-public')).to.equal('note.view_state');
      expect(refusal((body) => (body.event = 'issue_monitored'))).to.equal('event');
    });
  });

  describe('delivery id', () => {
    it('is the X-Mantis-Delivery UUID, and undefined without one', () => {
      const { headers } = fixture('01-issue-reported');
      expect(mantisConnector.deliveryId({ headers, rawBody: Buffer.alloc(0) })).to.equal('3f1c9a52-8d47-4e0b-9a6e-1b2c3d4e5f60');
      expect(mantisConnector.deliveryId({ headers: {}, rawBody: Buffer.alloc(0) })).to.equal(undefined);
      expect(mantisConnector.deliveryId({ headers: { 'x-mantis-delivery': '' }, rawBody: Buffer.alloc(0) })).to.equal(undefined);
    });
  });

  describe('verify', () => {
    const rawBody = deliveryOf(fixture('04-note-developer-public').body).rawBody;
    const rotating: Source = { ...mantis(), secrets: [SECRET, 'next-secret'] };
    const verify = (headers: IncomingHttpHeaders, body = rawBody, source = rotating) => mantisConnector.verify(source, { headers, rawBody: body });
    const signed = (secret: string, body = rawBody) => mantisConnector.sign(secret, body);

    it('signs as the plugin does: hash_hmac(sha256) of the body, bare hex in X-Mantis-Signature', () => {
      expect(signed(SECRET)).to.have.keys('x-mantis-signature');
      expect(signed(SECRET)['x-mantis-signature']).to.match(/^[0-9a-f]{64}$/);
      expect(signed('key', Buffer.from('The quick brown fox jumps over the lazy dog'))).to.deep.equal({
        'x-mantis-signature': 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
      });
    });

    it('accepts the shipped source’s own secret, and either secret during a rotation', () => {
      expect(verify(signed(SECRET), rawBody, mantis())).to.deep.equal({ ok: true });
      expect(verify(signed(SECRET))).to.deep.equal({ ok: true });
      expect(verify(signed('next-secret'))).to.deep.equal({ ok: true });
    });

    it('refuses a wrong secret and a tampered body', () => {
      expect(verify(signed('old-secret'))).to.deep.equal({ ok: false, reason: 'X-Mantis-Signature does not match the body' });
      const tampered = Buffer.from(rawBody.toString('utf8').replace('"public"', '"private"'));
      expect(tampered.equals(rawBody)).to.equal(false);
      expect(verify(signed(SECRET), tampered)).to.deep.equal({ ok: false, reason: 'X-Mantis-Signature does not match the body' });
    });

    it('refuses a delivery without a signature, or with an empty one', () => {
      expect(verify({})).to.deep.equal({ ok: false, reason: 'missing X-Mantis-Signature header' });
      expect(verify({ 'x-mantis-signature': '' })).to.deep.equal({ ok: false, reason: 'missing X-Mantis-Signature header' });
    });

    it('refuses malformed hex without comparing it, and accepts upper case', () => {
      const hex = signed(SECRET)['x-mantis-signature']!;
      for (const bad of [hex.slice(1), `${hex}00`, hex.replace(/^./, 'g'), `sha256=${hex}`]) {
        expect(verify({ 'x-mantis-signature': bad }), bad).to.deep.equal({ ok: false, reason: 'malformed X-Mantis-Signature header' });
      }
      expect(verify({ 'x-mantis-signature': hex.toUpperCase() })).to.deep.equal({ ok: true });
    });

    it('accepts unsigned deliveries only for an insecure source without secrets', () => {
      expect(verify({}, rawBody, { ...mantis(), secrets: [], insecure: true })).to.deep.equal({ ok: true });
      expect(verify({}, rawBody, { ...rotating, insecure: true })).to.deep.equal({ ok: false, reason: 'missing X-Mantis-Signature header' });
    });

    it('never throws on arbitrary headers and bodies', () => {
      const headerValue = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), fc.constant(undefined));
      const headerName = fc.constantFrom('x-mantis-signature', 'x-mantis-delivery', 'x-mantis-event', 'x-other');
      fc.assert(
        fc.property(fc.dictionary(headerName, headerValue), fc.uint8Array({ maxLength: 256 }), (headers, body) => {
          const delivery = { headers, rawBody: Buffer.from(body) };
          // Random header values never carry the body's HMAC: refused, naming the header read.
          const verdict = mantisConnector.verify(rotating, delivery);
          expect(verdict).to.have.property('ok', false);
          expect(verdict.ok === false && verdict.reason).to.match(/X-Mantis-Signature/);
          const id = mantisConnector.deliveryId(delivery);
          if (id !== undefined) expect(id).to.be.a('string').that.equals(id.trim()).and.not.equal('');
        }),
      );
    });

    it('accepts exactly the signature sign() produces for the body and an accepted secret', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 256 }), (secret, body) => {
          const source: Source = { ...rotating, secrets: [secret] };
          const bytes = Buffer.from(body);
          expect(mantisConnector.verify(source, { headers: mantisConnector.sign(secret, bytes), rawBody: bytes })).to.deep.equal({ ok: true });
          expect(mantisConnector.verify(source, { headers: mantisConnector.sign(`${secret}x`, bytes), rawBody: bytes }).ok).to.equal(false);
        }),
      );
    });
  });

  describe('the story on the SLA clock (2Value SLA Pro, office hours)', () => {
    const storyEvents = (names: readonly string[]) => names.flatMap((name) => eventsOf(normalizeFixture(name)));
    const slaAt = (events: readonly IssueEvent[], now: number) => runClock({ source: 'mantis-demo', events }, shippedConfig().contracts.values(), now);
    const metric = (sla: IssueSla, name: string): MetricStatus => {
      if (!sla.covered) throw new Error(`not covered: ${sla.reason}`);
      return sla.metrics.find((status) => status.metric === name)!;
    };

    it('reacts when the developer acknowledges, and stops the resolution clock while waiting in feedback', () => {
      const sla = slaAt(storyEvents(STORY.slice(0, 8)), at('17:00', '2026-11-25'));
      expect(sla).to.include({ covered: true, contract: '2value-pro', status: 'resolved', resolved: true, deleted: false });
      expect(metric(sla, 'reaction')).to.include({ state: 'met', metAt: at('10:02:17.054') });
      const resolution = metric(sla, 'resolution');
      // From the report (the real created event, to the ms) until feedback on Monday afternoon.
      expect(resolution).to.include({ state: 'met', metAt: at('16:03:12.642', '2026-11-25'), elapsedMs: at('14:20:09.301') - at('09:14:05.412') });
      const ran = resolution.segments!.filter((segment) => segment.to !== segment.from);
      expect(ran.map((segment) => [segment.from, segment.to, segment.priority])).to.deep.equal([
        [at('09:14:05.412'), at('09:31:40.187'), 'P2'],
        [at('09:31:40.187'), at('14:20:09.301'), 'P1'],
      ]);
    });

    it('resumes at the reporter\'s note when MantisBT moved the issue out of feedback first (reassign_on_feedback)', () => {
      // MantisBT changes the status before it raises EVENT_BUGNOTE_ADD, so the note shows it changed.
      const answered = eventsOf(
        normalizeFixture('07-note-reporter', (body) => {
          body.issue.status = { id: 50, name: 'assigned' };
        }),
      );
      const before = storyEvents(STORY.slice(0, 6));
      const noteAt = at('11:47:33.015', '2026-11-24');
      const resolution = metric(slaAt([...before, ...answered], at('13:00', '2026-11-24')), 'resolution');
      expect(resolution.state).to.equal('running');
      expect(resolution.segments!.at(-1)).to.include({ from: noteAt, to: null });
      // Read as a comment only, the clock stayed paused in feedback.
      const commentOnly = answered.filter((event) => event.type !== 'observed');
      expect(metric(slaAt([...before, ...commentOnly], at('13:00', '2026-11-24')), 'resolution').state).to.equal('paused');
    });

    it('ends with the issue deleted', () => {
      expect(slaAt(storyEvents(STORY), at('12:00', '2026-11-27'))).to.include({ covered: true, deleted: true });
    });
  });

  describe('the SlaBridge plugin, run by php against a local bridge', function () {
    this.timeout(30_000);

    it('delivers the whole story: signed, with its headers, equal to the fixtures but for the time sent', async () => {
      const bridge = await startBridge();
      try {
        const before = Date.now();
        const run = await runHarness([bridge.url, SECRET]);
        const after = Date.now();
        expect(run).to.include({ code: 0, stderr: '' });
        expect(run.stdout).to.contain(HARNESS_DONE);
        expect(bridge.received.map((request) => `${request.method} ${request.path}`)).to.deep.equal(STORY.map(() => 'POST /webhooks/mantis-demo'));

        bridge.received.forEach((request, index) => {
          const name = STORY[index]!;
          const expected = fixture(name);
          const delivery: WebhookDelivery = { headers: request.headers, rawBody: request.body };
          expect(mantisConnector.verify(mantis(), delivery), name).to.deep.equal({ ok: true });
          expect(mantisConnector.verify({ ...mantis(), secrets: ['another-secret'] }, delivery).ok, name).to.equal(false);
          expect(request.headers, name).to.include({
            'content-type': 'application/json',
            'x-mantis-event': expected.headers['x-mantis-event'],
            'content-length': String(request.body.length),
          });
          expect(mantisConnector.deliveryId(delivery), name).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

          const payload = parse(delivery);
          expect(payload.timestamp, name).to.be.within(before, after);
          expect({ ...payload, timestamp: expected.body.timestamp }, name).to.deep.equal(expected.body);
        });
        expect(new Set(bridge.received.map((request) => request.headers['x-mantis-delivery'])).size).to.equal(STORY.length);
      } finally {
        await bridge.close();
      }
    });

    it('sends what normalize turns into the story’s events, at the times the plugin saw them', async () => {
      const bridge = await startBridge();
      try {
        expect(await runHarness([bridge.url, SECRET])).to.include({ code: 0 });
        bridge.received.forEach((request, index) => {
          const expectation = EXPECTATIONS[index]!;
          const normalized = normalizeDelivery(mantis(), { headers: request.headers, rawBody: request.body });
          const sentAt = parse({ headers: request.headers, rawBody: request.body }).timestamp;
          // A time record keeps its note's creation; the rest is stamped when the plugin saw it.
          const restamped = expectation.events.map((event, position) => (position === 0 || event.type === 'time_logged' ? event : { ...event, at: sentAt }));
          expect(normalized, expectation.fixture).to.deep.equal({ outcome: 'events', issue: BUG_1042, events: restamped });
        });
      } finally {
        await bridge.close();
      }
    });

    it('sends the exact bytes it signed: compact JSON, Unicode and slashes unescaped', async () => {
      const bridge = await startBridge();
      try {
        await runHarness([bridge.url, SECRET]);
        const privateNote = bridge.received[4]!.body.toString('utf8');
        expect(privateNote).to.contain('"text":"Intern: certificaat vervangen vóór 16:00, daarna IdP-cache legen."');
        expect(privateNote).to.contain('"view_url":"https://mantis.example.com/view.php?id=1042"');
        expect(privateNote).not.to.match(/\\u00f3|\\\//);
      } finally {
        await bridge.close();
      }
    });

    it('logs a bridge that answers with an error, and carries on', async () => {
      const bridge = await startBridge(500);
      try {
        const run = await runHarness([bridge.url, SECRET, '2', 'report']);
        expect(run).to.include({ code: 0 });
        expect(run.stdout).to.contain(HARNESS_DONE);
        expect(run.stderr).to.contain('SlaBridge: the SLA bridge answered issue_reported with HTTP 500');
      } finally {
        await bridge.close();
      }
    });

    it('logs a MantisBT error while reading the issue (a note it cannot find), and carries on', async () => {
      const bridge = await startBridge();
      try {
        const run = await runHarness([bridge.url, SECRET, '2', 'missing-note']);
        expect(run).to.include({ code: 0 });
        expect(run.stdout).to.contain(HARNESS_DONE);
        expect(run.stderr).to.equal('SlaBridge: note_added not sent to the SLA bridge: no notes row 9999\n');
        expect(bridge.received.map((request) => request.headers['x-mantis-event'])).to.deep.equal(['issue_reported']);
      } finally {
        await bridge.close();
      }
    });

    it('does not break the page when nothing listens: the failure goes to the error log', async () => {
      const port = await closedPort();
      const run = await runHarness([`http://127.0.0.1:${port}/webhooks/mantis-demo`, SECRET, '2', 'report']);
      expect(run).to.include({ code: 0 });
      expect(run.stdout).to.contain(HARNESS_DONE);
      expect(run.stderr).to.match(/^SlaBridge: issue_reported not sent to the SLA bridge: .*Connection refused/m);
    });

    it('gives up on a bridge that accepts the connection but never answers, by its configured timeout', async () => {
      const silent = await startSilentServer();
      try {
        // PHP's own socket timeout is set beyond the harness's kill deadline (20 s), so only the
        // plugin's configured timeout (1 s) can end the wait: a plugin that did not pass it on would
        // be killed there, and the page would be broken.
        const run = await runHarness([silent.url, SECRET, '1', 'report'], { default_socket_timeout: '600' });
        expect(run).to.include({ code: 0 });
        expect(run.stdout).to.contain(HARNESS_DONE);
        expect(run.stderr).to.match(/^SlaBridge: issue_reported not sent to the SLA bridge: fopen\(.*\): Failed to open stream: HTTP request failed!/m);
        expect(silent.connections()).to.equal(1);
      } finally {
        await silent.close();
      }
    });

    it('sends nothing until a URL is configured', async () => {
      const run = await runHarness(['', SECRET]);
      expect(run).to.include({ code: 0, stderr: '' });
      expect(run.stdout).to.contain(HARNESS_DONE);
    });
  });
});

interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A stand-in for the bridge's webhook endpoint that records every request. */
async function startBridge(status = 202) {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 202 ? 'accepted' : 'failed' }));
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/webhooks/mantis-demo`, received, close: () => closeServer(server) };
}

/** Accepts connections and reads them, but never answers: a bridge hanging on Redis, say. */
async function startSilentServer() {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/webhooks/mantis-demo`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

interface HarnessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The harness's deadline: a run that takes longer is killed and fails the test. */
const HARNESS_KILL_MS = 20_000;

/** Runs the harness with php's error log on stderr whatever php.ini says, and `ini` settings on top. */
function runHarness(args: readonly string[], ini: Record<string, string> = {}): Promise<HarnessRun> {
  const settings = Object.entries({ error_log: '', display_errors: 'stderr', ...ini }).flatMap(([name, value]) => ['-d', `${name}=${value}`]);
  return new Promise((resolve, reject) => {
    execFile('php', [...settings, HARNESS, ...args], { timeout: HARNESS_KILL_MS }, (error, stdout, stderr) => {
      const code = error ? (error as NodeJS.ErrnoException & { code?: unknown }).code : 0;
      if (code === 'ENOENT') return reject(new Error('php is not installed: the SlaBridge plugin cannot be tested (apt-get install php-cli)'));
      if (error && typeof code !== 'number') {
        return reject(new Error(`${error.killed ? `the harness was killed after ${HARNESS_KILL_MS} ms` : 'the harness did not run'} (${error.message}); stderr: ${stderr}`));
      }
      resolve({ code: code as number, stdout, stderr });
    });
  });
}
