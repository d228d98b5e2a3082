/**
 * The Gitea/Forgejo connector on recorded-style deliveries (test/fixtures/gitea and .../forgejo)
 * against the shipped gitea-demo source. Times are Amsterdam, late November 2026 (+01:00);
 * 2026-11-26 is a Thursday. The issue #42 story: opened at P2, raised to P1, assigned, answered by
 * an agent, waiting for the customer, answered, waiting over, closed, reopened the next day.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import type { IssueRef, Normalized, WebhookDelivery } from '../../connectors/connector.js';
import { giteaConnector, type GiteaPayload } from '../../connectors/gitea/index.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { runClock, type IssueSla } from '../../src/domain/sla-clock.js';
import type { MetricStatus } from '../../src/domain/metric-status.js';
import { projectRoot } from '../../src/project-root.js';
import { shippedConfig } from '../support/shipped-config.js';
import { GITEA_ISSUE_42_WEBHOOKS } from '../support/gitea-story.js';

interface Fixture {
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

const FIXTURES = path.join(projectRoot(), 'test/fixtures');

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

/** The body as Gitea sends it: indented JSON (json.MarshalIndent). */
function deliveryOf(body: unknown, headers: IncomingHttpHeaders = {}): WebhookDelivery {
  return { headers, rawBody: Buffer.from(JSON.stringify(body, null, 2)) };
}

function parse(delivery: WebhookDelivery): GiteaPayload {
  return giteaConnector.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
}

function normalizeDelivery(source: Source, delivery: WebhookDelivery): Normalized {
  return giteaConnector.normalize(source, parse(delivery), delivery);
}

const normalizeFixture = (source: Source, name: string, edit: (body: Record<string, unknown>) => void = () => {}): Normalized => {
  const { headers, body } = fixture(name);
  const copy = structuredClone(body);
  edit(copy);
  return normalizeDelivery(source, deliveryOf(copy, headers));
};

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}

const gitea = (): Source => shippedConfig().sources.get('gitea-demo')!;
const forgejo = (): Source => ({ ...gitea(), kind: 'forgejo', baseUrl: 'https://forgejo.example.com' });

const at = (time: string, date = '2026-11-26') => Date.parse(`${date}T${time}+01:00`);

const REPO = 'open2bizz/odoo-customer';
const TITLE_42 = "Sales orders cannot be confirmed: 'Missing required account on accountable line'";
const ref = (number: number, title: string, host = 'https://gitea.example.com'): IssueRef => ({
  id: `${REPO}#${number}`,
  key: `${REPO}#${number}`,
  title,
  url: `${host}/${REPO}/issues/${number}`,
});

type Created = Extract<IssueEvent, { type: 'created' }>;
const created = (fields: Partial<Created> & Pick<Created, 'at' | 'title'>): Created => ({
  type: 'created',
  project: REPO,
  labels: ['priority/1'],
  environment: null,
  priority: 'P1',
  status: 'open',
  paused: false,
  assignee: null,
  synthetic: true,
  ...fields,
});
const created42 = (fields: Partial<Created> = {}) => created({ at: at('09:12:44'), title: TITLE_42, assignee: 'rbakker', ...fields });

/** What every label change restates: the labels, and the priority, environment and status they carry. */
const labelEvents = (time: number, labels: string[], priority: Created['priority'], environment: string | null, status = 'open', paused = false): IssueEvent[] => [
  { type: 'labels_changed', at: time, labels },
  { type: 'priority_changed', at: time, priority },
  { type: 'environment_changed', at: time, environment },
  { type: 'status_changed', at: time, status, paused },
];

const WAITING = 'status/waiting-for-customer';

/** How every delivery but an opening shows the issue: at its last change (`updated_at`). */
const observed = (time: number, priority: Created['priority'], assignee: string | null, status = 'open', paused = false): IssueEvent => ({
  type: 'observed',
  at: time,
  status,
  paused,
  resolved: status === 'closed',
  priority,
  assignee,
});

interface Expectation {
  readonly fixture: string;
  readonly source?: () => Source;
  readonly issue?: IssueRef;
  readonly events?: readonly IssueEvent[];
  readonly ignored?: string;
}

const ISSUE_42 = ref(42, TITLE_42);
const TITLE_43 = 'Test environment: PDF export of quotations times out';
const TITLE_7 = 'Quotation e-mails go out without the PDF attached';

const EXPECTATIONS: readonly Expectation[] = [
  {
    fixture: 'gitea/issue-opened',
    issue: ISSUE_42,
    events: [created42({ labels: ['priority/2'], priority: 'P2', assignee: null, synthetic: false })],
  },
  { fixture: 'gitea/issue-edited', ignored: 'issue edits (title, description, branch) do not affect SLA clocks' },
  {
    fixture: 'gitea/label-updated-priority-1',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), ...labelEvents(at('09:31:05'), ['priority/1'], 'P1', null), observed(at('09:31:05'), 'P1', null)],
  },
  {
    fixture: 'gitea/issue-assigned',
    issue: ISSUE_42,
    events: [created42(), { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' }, observed(at('09:40:12'), 'P1', 'rbakker')],
  },
  {
    fixture: 'gitea/comment-by-agent',
    issue: ISSUE_42,
    events: [created42(), { type: 'commented', at: at('09:47:30'), by: 'agent', public: true }, observed(at('09:47:30'), 'P1', 'rbakker')],
  },
  {
    fixture: 'gitea/label-updated-waiting-for-customer',
    issue: ISSUE_42,
    events: [
      created42({ labels: ['priority/1', WAITING], status: WAITING, paused: true }),
      ...labelEvents(at('10:05:18'), ['priority/1', WAITING], 'P1', null, WAITING, true),
      observed(at('10:05:18'), 'P1', 'rbakker', WAITING, true),
    ],
  },
  {
    fixture: 'gitea/comment-by-customer',
    issue: ISSUE_42,
    events: [
      created42({ labels: ['priority/1', WAITING], status: WAITING, paused: true }),
      { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
      observed(at('13:22:09'), 'P1', 'rbakker', WAITING, true),
    ],
  },
  {
    fixture: 'gitea/label-updated-waiting-removed',
    issue: ISSUE_42,
    events: [created42(), ...labelEvents(at('13:30:41'), ['priority/1'], 'P1', null), observed(at('13:30:41'), 'P1', 'rbakker')],
  },
  { fixture: 'gitea/comment-edited', ignored: 'comment edited: only new comments affect SLA clocks' },
  {
    fixture: 'gitea/issue-closed',
    issue: ISSUE_42,
    events: [created42(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }, observed(at('16:02:57'), 'P1', 'rbakker', 'closed')],
  },
  {
    fixture: 'gitea/issue-reopened',
    issue: ISSUE_42,
    events: [created42(), { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'open' }, observed(at('10:15:03', '2026-11-27'), 'P1', 'rbakker')],
  },
  {
    fixture: 'gitea/issue-unassigned',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), { type: 'assigned', at: at('10:31:45', '2026-11-27'), assignee: null }, observed(at('10:31:45', '2026-11-27'), 'P1', null)],
  },
  {
    fixture: 'gitea/label-updated-env-test',
    issue: ref(43, TITLE_43),
    events: [
      created({ at: at('14:03:11', '2026-11-25'), title: TITLE_43, labels: ['env/test', 'priority/2'], environment: 'test', priority: 'P2' }),
      ...labelEvents(at('11:20:40'), ['env/test', 'priority/2'], 'P2', 'test'),
      observed(at('11:20:40'), 'P2', null),
    ],
  },
  {
    fixture: 'gitea/label-cleared',
    issue: ref(43, TITLE_43),
    events: [
      created({ at: at('14:03:11', '2026-11-25'), title: TITLE_43, labels: [], priority: 'P4' }),
      ...labelEvents(at('11:58:27'), [], 'P4', null),
      observed(at('11:58:27'), 'P4', null),
    ],
  },
  {
    fixture: 'gitea/comment-on-closed-issue',
    issue: ref(39, 'Delivery slips print the internal reference instead of the customer reference'),
    events: [
      created({
        at: at('10:41:26', '2026-11-23'),
        title: 'Delivery slips print the internal reference instead of the customer reference',
        labels: ['priority/3'],
        priority: 'P3',
        assignee: 'rbakker',
      }),
      { type: 'commented', at: at('08:58:13'), by: 'customer', public: true },
      { type: 'resolved', at: at('15:20:36', '2026-11-24'), status: 'closed' },
      observed(at('08:58:13'), 'P3', 'rbakker', 'closed'),
    ],
  },
  {
    fixture: 'gitea/issue-deleted',
    issue: ref(45, 'Orders cannot be confirmed'),
    events: [
      created({ at: at('09:13:30'), title: 'Orders cannot be confirmed', labels: ['priority/2'], priority: 'P2' }),
      { type: 'deleted', at: at('09:13:30') },
      observed(at('09:13:30'), 'P2', null),
    ],
  },
  { fixture: 'gitea/comment-on-pull-request', ignored: 'pull requests are not covered' },
  { fixture: 'gitea/push', ignored: 'push events are not covered' },
  {
    fixture: 'forgejo/issue-opened',
    source: forgejo,
    issue: ref(7, TITLE_7, 'https://forgejo.example.com'),
    events: [
      created({ at: at('08:47:19', '2026-11-30'), title: TITLE_7, labels: ['env/test', 'priority/3'], environment: 'test', priority: 'P3', synthetic: false }),
    ],
  },
  {
    fixture: 'forgejo/comment-by-agent',
    source: forgejo,
    issue: ref(7, TITLE_7, 'https://forgejo.example.com'),
    events: [
      created({ at: at('08:47:19', '2026-11-30'), title: TITLE_7, labels: ['env/test', 'priority/3'], environment: 'test', priority: 'P3' }),
      { type: 'commented', at: at('09:25:40', '2026-11-30'), by: 'agent', public: true },
      observed(at('09:25:40', '2026-11-30'), 'P3', null),
    ],
  },
];

describe('Gitea/Forgejo connector', () => {
  describe('normalize: each recorded delivery gives exactly these engine events', () => {
    for (const expectation of EXPECTATIONS) {
      it(`${expectation.fixture}: ${fixture(expectation.fixture).description}`, () => {
        const normalized = normalizeFixture((expectation.source ?? gitea)(), expectation.fixture);
        if (expectation.ignored) {
          expect(normalized).to.deep.equal({ outcome: 'ignored', reason: expectation.ignored });
        } else {
          expect(normalized).to.deep.equal({ outcome: 'events', issue: expectation.issue, events: expectation.events });
        }
      });
    }

    it('has an expectation for every fixture file, and no fixture carries a signature', () => {
      const files = ['gitea', 'forgejo'].flatMap((dir) =>
        readdirSync(path.join(FIXTURES, dir))
          .filter((file) => file.endsWith('.json'))
          .map((file) => `${dir}/${file.replace(/\.json$/, '')}`),
      );
      expect(files.sort()).to.deep.equal(EXPECTATIONS.map((expectation) => expectation.fixture).sort());
      for (const file of files) expect(Object.keys(fixture(file).headers).filter((name) => name.includes('signature')), file).to.deep.equal([]);
    });

    it('produces events the engine accepts as they are (every default already filled in)', () => {
      for (const expectation of EXPECTATIONS.filter((row) => row.events)) {
        for (const event of eventsOf(normalizeFixture((expectation.source ?? gitea)(), expectation.fixture))) {
          expect(issueEventSchema.parse(event), expectation.fixture).to.deep.equal(event);
        }
      }
    });
  });

  describe('normalize: which deliveries count', () => {
    it('ignores a delivery without an event header, naming the header', () => {
      const { body } = fixture('gitea/issue-opened');
      expect(normalizeDelivery(gitea(), deliveryOf(body, { 'content-type': 'application/json' }))).to.deep.equal({
        outcome: 'ignored',
        reason: 'no X-Gitea-Event or X-Forgejo-Event header: cannot tell which event this is',
      });
    });

    it('reads the Forgejo event header before the Gitea one', () => {
      const { body, headers } = fixture('forgejo/comment-by-agent');
      const normalized = normalizeDelivery(forgejo(), deliveryOf(body, { ...headers, 'x-gitea-event': 'push' }));
      expect(eventsOf(normalized).map((event) => event.type)).to.deep.equal(['created', 'commented', 'observed']);
    });

    it('ignores pull requests however they show: pull_request event, pull_request_comment type, is_pull or issue.pull_request', () => {
      const { body, headers } = fixture('gitea/issue-opened');
      const asPullRequest = (edit: (copy: Record<string, unknown>, headers: Record<string, string>) => void) => {
        const copy = structuredClone(body);
        const copiedHeaders = { ...headers };
        edit(copy, copiedHeaders);
        return normalizeDelivery(gitea(), deliveryOf(copy, copiedHeaders));
      };
      const pullRequest = { outcome: 'ignored', reason: 'pull requests are not covered' };
      expect(asPullRequest((_, h) => Object.assign(h, { 'x-gitea-event': 'pull_request', 'x-gitea-event-type': 'pull_request' }))).to.deep.equal(pullRequest);
      expect(asPullRequest((_, h) => Object.assign(h, { 'x-gitea-event-type': 'pull_request_label' }))).to.deep.equal(pullRequest);
      expect(asPullRequest((copy) => Object.assign(copy, { is_pull: true }))).to.deep.equal(pullRequest);
      expect(asPullRequest((copy) => Object.assign(copy.issue as object, { pull_request: { merged: false, merged_at: null, draft: false } }))).to.deep.equal(
        pullRequest,
      );
      expect(asPullRequest(() => {})).to.have.property('outcome', 'events');
    });

    it('ignores milestone changes and actions it does not know, naming them', () => {
      const withAction = (action: string) => normalizeFixture(gitea(), 'gitea/issue-assigned', (body) => Object.assign(body, { action }));
      expect(withAction('milestoned')).to.deep.equal({ outcome: 'ignored', reason: 'milestone changes do not affect SLA clocks' });
      expect(withAction('demilestoned')).to.deep.equal({ outcome: 'ignored', reason: 'milestone changes do not affect SLA clocks' });
      expect(withAction('pinned')).to.deep.equal({ outcome: 'ignored', reason: 'issue action "pinned" is not covered' });
    });

    it('ignores a deleted comment: it takes back no reaction', () => {
      const normalized = normalizeFixture(gitea(), 'gitea/comment-by-agent', (body) => Object.assign(body, { action: 'deleted' }));
      expect(normalized).to.deep.equal({ outcome: 'ignored', reason: 'comment deleted: only new comments affect SLA clocks' });
    });

    it('recognises an agent by login whatever its case, and not by the no-reply e-mail Gitea puts in payloads', () => {
      const commentBy = (login: string, email: string, source = gitea()) =>
        eventsOf(
          normalizeFixture(source, 'gitea/comment-by-customer', (body) => {
            Object.assign((body.comment as { user: object }).user, { login, email });
          }),
        ).find((event) => event.type === 'commented');
      expect(commentBy('Open2Bizz-Support', 'open2bizz-support@noreply.gitea.example.com')).to.have.property('by', 'agent');
      expect(commentBy('rbakker', 'rbakker@noreply.gitea.example.com')).to.have.property('by', 'customer');
      // An older Gitea that leaks the real address: an agent domain, when configured, then applies.
      expect(commentBy('rbakker', 'ruud.bakker@open2bizz.nl')).to.have.property('by', 'customer');
      const withDomain = { ...gitea(), agents: { ...gitea().agents, domains: ['open2bizz.nl'] } };
      expect(commentBy('rbakker', 'ruud.bakker@open2bizz.nl', withDomain)).to.have.property('by', 'agent');
      // The bridge's own breach comment (its api.user) is no reaction at all.
      const bridgeComment = normalizeFixture({ ...gitea(), apiUser: 'sla-bridge-bot' }, 'gitea/comment-by-customer', (body) => {
        Object.assign((body.comment as { user: object }).user, { login: 'sla-bridge-bot' });
      });
      expect(bridgeComment).to.deep.equal({ outcome: 'ignored', reason: 'a comment by the bridge itself (api.user)' });
    });

    it('reports an issue opened already closed (the API allows it) as created, then resolved', () => {
      const events = eventsOf(
        normalizeFixture(gitea(), 'gitea/issue-opened', (body) =>
          Object.assign(body.issue as object, { state: 'closed', closed_at: '2026-11-26T09:12:44+01:00' }),
        ),
      );
      expect(events.map((event) => [event.type, event.at])).to.deep.equal([
        ['created', at('09:12:44')],
        ['resolved', at('09:12:44')],
      ]);
    });

    it('reads a priority label whatever its case, and takes the default priority without one', () => {
      const priorityWith = (labels: string[]) =>
        (eventsOf(normalizeFixture(gitea(), 'gitea/issue-opened', (body) => Object.assign(body.issue as object, { labels: labels.map((name) => ({ name })) })))[0] as Created)
          .priority;
      expect(priorityWith(['Priority/1'])).to.equal('P1');
      expect(priorityWith(['bug'])).to.equal('P4');
    });
  });

  describe('payload schema', () => {
    const opened = () => structuredClone(fixture('gitea/issue-opened').body) as Record<string, Record<string, unknown>>;

    it('accepts every fixture, keeping fields it does not read', () => {
      for (const { fixture: name } of EXPECTATIONS) {
        const payload = giteaConnector.payloadSchema.parse(fixture(name).body);
        expect(payload, name).to.deep.equal(fixture(name).body);
      }
    });

    it('accepts Go nulls: no assignees, no labels, not closed', () => {
      const body = opened();
      Object.assign(body.issue!, { assignees: null, assignee: null, labels: null, closed_at: null });
      expect(giteaConnector.payloadSchema.safeParse(body).success).to.equal(true);
    });

    it('refuses an issue without what the SLA needs, with the field', () => {
      const body = opened();
      delete body.issue!.created_at;
      const result = giteaConnector.payloadSchema.safeParse(body);
      expect(result.success).to.equal(false);
      expect(result.error?.issues[0]?.path).to.deep.equal(['issue', 'created_at']);
    });

    it('refuses a time without an offset: it would be read in the bridge’s own zone', () => {
      const body = opened();
      body.issue!.updated_at = '2026-11-26T09:12:44';
      expect(giteaConnector.payloadSchema.safeParse(body).success).to.equal(false);
    });

    it('refuses an unknown issue state', () => {
      const body = opened();
      body.issue!.state = 'merged';
      expect(giteaConnector.payloadSchema.safeParse(body).success).to.equal(false);
    });

    // Go's RFC 3339 encoder: whole seconds in the server's zone, `Z` for UTC, fractions when there are any.
    const times: [text: string, accepted: boolean][] = [
      ['2026-11-26T09:12:44+01:00', true],
      ['2026-11-26T08:12:44Z', true],
      ['2026-11-26T03:12:44-05:00', true],
      ['2026-11-26T13:57:44+05:45', true],
      ['2026-11-26T08:12:44.5Z', true],
      ['2026-11-26T09:12:44.123456789+01:00', true],
      ['0001-01-01T00:00:00Z', true],
      ['2026-11-26T09:12:44', false],
      ['26-11-2026 09:12', false],
    ];
    for (const [text, accepted] of times) {
      it(`${accepted ? 'accepts' : 'refuses'} the time ${text}`, () => {
        const body = opened();
        body.issue!.updated_at = text;
        const result = giteaConnector.payloadSchema.safeParse(body);
        expect(result.success).to.equal(accepted);
        if (!accepted) expect(result.error?.issues[0]?.path).to.deep.equal(['issue', 'updated_at']);
      });
    }

    it('takes what Gitea 1.10 to 1.14 send, and drops the webhook secret they put in the body', () => {
      const body: Record<string, unknown> = { ...opened(), secret: 'the-hook-secret' };
      delete (body.issue as Record<string, unknown>).html_url;
      const payload = giteaConnector.payloadSchema.parse(body) as Record<string, unknown>;
      expect(payload).not.to.have.property('secret');
      expect(JSON.stringify(payload)).not.to.include('the-hook-secret');
      expect(payload.issue).to.deep.equal(body.issue);
    });

    it('accepts Go nulls and missing fields the bridge can do without', () => {
      const body = opened();
      Object.assign(body.issue!, { id: null, html_url: null, assignee: null, assignees: null, labels: null, closed_at: null, pull_request: null });
      Object.assign(body.repository!, { name: null, owner: null, html_url: null });
      Object.assign(body, { sender: null, number: null, changes: null });
      expect(giteaConnector.payloadSchema.safeParse(body).error?.issues).to.equal(undefined);
    });
  });

  describe('the link of an issue whose server sends none', () => {
    const refOf = (edit: (body: Record<string, Record<string, unknown>>) => void) =>
      normalizeFixture(gitea(), 'gitea/comment-by-agent', (body) => edit(body as Record<string, Record<string, unknown>>));

    it('is the repository link plus /issues/N, as Gitea before 1.11 would build it', () => {
      const normalized = refOf((body) => {
        delete body.issue!.html_url;
        body.repository!.html_url = 'https://git.example.org/sub/open2bizz/odoo-customer/';
      });
      expect(normalized).to.deep.include({ outcome: 'events', issue: { ...ISSUE_42, url: 'https://git.example.org/sub/open2bizz/odoo-customer/issues/42' } });
    });

    it('is built from the source base URL when the repository has no link either, or an empty one from 1.20', () => {
      for (const missing of [undefined, '']) {
        const normalized = refOf((body) => {
          body.issue!.html_url = missing;
          body.repository!.html_url = missing;
        });
        expect(normalized, String(missing)).to.deep.include({ outcome: 'events', issue: ISSUE_42 });
      }
    });
  });

  describe('a comment without its author', () => {
    it('counts as a customer comment', () => {
      const events = eventsOf(normalizeFixture(gitea(), 'gitea/comment-by-agent', (body) => Object.assign(body.comment as object, { user: null })));
      expect(events.filter((event) => event.type === 'commented')).to.deep.equal([{ type: 'commented', at: at('09:47:30'), by: 'customer', public: true }]);
    });
  });

  describe('delivery id', () => {
    it('is the X-Gitea-Delivery UUID', () => {
      const { headers, body } = fixture('gitea/issue-opened');
      expect(giteaConnector.deliveryId(deliveryOf(body, headers))).to.equal(headers['x-gitea-delivery']).and.match(/^[0-9a-f-]{36}$/);
    });

    it('prefers X-Forgejo-Delivery, and is undefined when neither header is sent', () => {
      const { headers, body } = fixture('forgejo/issue-opened');
      expect(giteaConnector.deliveryId(deliveryOf(body, { ...headers, 'x-gitea-delivery': 'other' }))).to.equal(headers['x-forgejo-delivery']);
      expect(giteaConnector.deliveryId(deliveryOf(body, { 'x-gitea-delivery': '' }))).to.equal(undefined);
    });
  });

  describe('verify', () => {
    const rawBody = Buffer.from(JSON.stringify(fixture('gitea/comment-by-agent').body, null, 2));
    const rotating: Source = { ...gitea(), secrets: ['current-secret', 'next-secret'] };
    const verify = (headers: IncomingHttpHeaders, body = rawBody, source = rotating) => giteaConnector.verify(source, { headers, rawBody: body });
    const signed = (secret: string, body = rawBody) => giteaConnector.sign(secret, body);

    it('signs as Gitea does: bare hex in X-Gitea-Signature, sha256=hex in X-Hub-Signature-256', () => {
      const headers = signed('current-secret');
      expect(headers['x-gitea-signature']).to.match(/^[0-9a-f]{64}$/);
      expect(headers['x-hub-signature-256']).to.equal(`sha256=${headers['x-gitea-signature']}`);
    });

    it('accepts a body signed with either secret during a rotation', () => {
      expect(verify(signed('current-secret'))).to.deep.equal({ ok: true });
      expect(verify(signed('next-secret'))).to.deep.equal({ ok: true });
    });

    it('refuses a wrong secret and a tampered body', () => {
      expect(verify(signed('old-secret'))).to.deep.equal({ ok: false, reason: 'X-Gitea-Signature does not match the body' });
      const tampered = Buffer.from(rawBody.toString('utf8').replace('"created"', '"deleted"'));
      expect(verify(signed('current-secret'), tampered)).to.deep.equal({ ok: false, reason: 'X-Gitea-Signature does not match the body' });
    });

    it('refuses an unsigned delivery, including the empty headers Gitea sends without a secret', () => {
      expect(verify({})).to.deep.equal({ ok: false, reason: 'missing X-Gitea-Signature header' });
      expect(verify({ 'x-gitea-signature': '', 'x-hub-signature-256': 'sha256=' })).to.deep.equal({ ok: false, reason: 'missing X-Gitea-Signature header' });
    });

    it('accepts X-Hub-Signature-256 alone, and refuses it without its sha256= prefix', () => {
      const hex = signed('next-secret')['x-gitea-signature']!;
      expect(verify({ 'x-hub-signature-256': `sha256=${hex}` })).to.deep.equal({ ok: true });
      for (const bad of [hex, 'abc']) {
        expect(verify({ 'x-hub-signature-256': bad }), bad).to.deep.equal({ ok: false, reason: 'malformed X-Hub-Signature-256 header (expected sha256=<hex>)' });
      }
    });

    it('accepts X-Forgejo-Signature alone, and reads it before the Gitea header', () => {
      const hex = signed('current-secret')['x-gitea-signature']!;
      expect(verify({ 'x-forgejo-signature': hex }, rawBody, { ...rotating, kind: 'forgejo' })).to.deep.equal({ ok: true });
      expect(verify({ 'x-forgejo-signature': signed('wrong')['x-gitea-signature'], 'x-gitea-signature': hex })).to.deep.equal({
        ok: false,
        reason: 'X-Forgejo-Signature does not match the body',
      });
    });

    it('refuses malformed hex without comparing it', () => {
      const hex = signed('current-secret')['x-gitea-signature']!;
      for (const bad of [hex.slice(1), `${hex}00`, hex.replace(/^./, 'g'), 'sha256=' + hex]) {
        expect(verify({ 'x-gitea-signature': bad }), bad).to.deep.equal({ ok: false, reason: 'malformed X-Gitea-Signature header' });
      }
      expect(verify({ 'x-gitea-signature': hex.toUpperCase() })).to.deep.equal({ ok: true });
    });

    it('accepts unsigned deliveries only for an insecure source without secrets', () => {
      expect(verify({}, rawBody, { ...gitea(), secrets: [], insecure: true })).to.deep.equal({ ok: true });
      expect(verify({}, rawBody, { ...rotating, insecure: true })).to.deep.equal({ ok: false, reason: 'missing X-Gitea-Signature header' });
    });

    it('never throws on arbitrary headers and bodies', () => {
      const headerValue = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), fc.constant(undefined));
      const signatureHeader = fc.constantFrom('x-forgejo-signature', 'x-gitea-signature', 'x-hub-signature-256', 'x-gitea-delivery', 'x-other');
      fc.assert(
        fc.property(fc.dictionary(signatureHeader, headerValue), fc.uint8Array({ maxLength: 256 }), (headers, body) => {
          // Random header values never carry the body's HMAC: refused, naming the header read.
          const verdict = giteaConnector.verify(rotating, { headers, rawBody: Buffer.from(body) });
          expect(verdict).to.have.property('ok', false);
          expect(verdict.ok === false && verdict.reason).to.match(/X-(Forgejo-Signature|Gitea-Signature|Hub-Signature-256)/);
          const id = giteaConnector.deliveryId({ headers, rawBody: Buffer.from(body) });
          if (id !== undefined) expect(id).to.be.a('string').that.equals(id.trim()).and.not.equal('');
        }),
      );
    });

    it('accepts exactly the signature sign() produces for the body and secret', () => {
      fc.assert(
        fc.property(
          fc.string({ minLength: 1 }),
          fc.uint8Array({ maxLength: 256 }),
          fc.stringMatching(/^[0-9a-f]{64}$/),
          fc.constantFrom('x-forgejo-signature', 'x-gitea-signature', 'x-hub-signature-256'),
          (secret, bytes, otherHex, header) => {
            const body = Buffer.from(bytes);
            const source: Source = { ...gitea(), secrets: [secret] };
            const genuine = giteaConnector.sign(secret, body);
            const hex = genuine['x-gitea-signature']!;
            const present = (value: string) => ({ [header]: header === 'x-hub-signature-256' ? `sha256=${value}` : value });
            expect(giteaConnector.verify(source, { headers: genuine, rawBody: body }).ok).to.equal(true);
            expect(giteaConnector.verify(source, { headers: present(hex), rawBody: body }).ok).to.equal(true);
            expect(giteaConnector.verify(source, { headers: present(otherHex), rawBody: body }).ok).to.equal(otherHex === hex);
            expect(giteaConnector.verify(source, { headers: genuine, rawBody: Buffer.concat([body, Buffer.from(' ')]) }).ok).to.equal(false);
          },
        ),
      );
    });
  });

  describe('the #42 story through the SLA clock', () => {
    const STORY = GITEA_ISSUE_42_WEBHOOKS.map((name) => `gitea/${name}`);

    const eventsFor = (names: readonly string[]) =>
      names.flatMap((name) => {
        const normalized = normalizeFixture(gitea(), name);
        return normalized.outcome === 'events' ? normalized.events : [];
      });
    const slaAt = (events: readonly IssueEvent[], now = at('12:00', '2026-11-27')) =>
      runClock({ source: 'gitea-demo', events }, shippedConfig().contracts.values(), now);
    const metric = (sla: IssueSla, name: string): MetricStatus => {
      if (!sla.covered) throw new Error(`not covered: ${sla.reason}`);
      return sla.metrics.find((status) => status.metric === name)!;
    };
    const spans = (status: MetricStatus) => status.segments!.map((segment) => [segment.from, segment.to, segment.priority]);

    it('reacts at the agent comment, and measures resolution without the time waiting for the customer', () => {
      const sla = slaAt(eventsFor(STORY));
      expect(sla).to.include({ covered: true, contract: 'open2bizz-saas', status: 'open', resolved: false });
      expect(metric(sla, 'reaction')).to.include({ state: 'met', metAt: at('09:47:30') });
      expect(spans(metric(sla, 'reaction'))).to.deep.equal([
        [at('09:12:44'), at('09:31:05'), 'P2'],
        [at('09:31:05'), at('09:47:30'), 'P1'],
      ]);
      expect(metric(sla, 'resolution')).to.include({ state: 'running', startedAt: at('09:47:30') });
      expect(spans(metric(sla, 'resolution'))).to.deep.equal([
        [at('09:47:30'), at('10:05:18'), 'P1'],
        [at('13:30:41'), at('16:02:57'), 'P1'],
        [at('10:15:03', '2026-11-27'), null, 'P1'],
      ]);
    });

    it('comes out the same when every delivery arrives twice, in reverse order (a replay gets a new delivery id)', () => {
      const once = slaAt(eventsFor(STORY));
      const twice = slaAt([...eventsFor([...STORY].reverse()), ...eventsFor(STORY)]);
      expect(twice).to.deep.equal(once);
    });

    it('starts an issue first heard of mid-life at its real creation time, from the synthetic created event', () => {
      const sla = slaAt(eventsFor(STORY.filter((name) => name !== 'gitea/issue-opened')));
      expect(metric(sla, 'reaction')).to.include({ state: 'met', startedAt: at('09:12:44'), metAt: at('09:47:30') });
    });
  });
});
