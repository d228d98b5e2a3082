/**
 * The GitHub connector on its fixtures (test/fixtures/github: the #42 story built from recorded
 * payloads, and eras/ as GitHub.com and Enterprise Server sent them) against the shipped
 * github-demo source. Story times are Amsterdam, late November 2026 (+01:00; GitHub writes UTC);
 * 2026-11-26 is a Thursday. #42: opened at P2, raised to P1, assigned, answered by an agent,
 * waiting for the customer, answered, waiting over, closed, reopened the next day.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import type { IssueRef, Normalized, WebhookDelivery } from '../../connectors/connector.js';
import { displayName, githubConnector, type GithubPayload } from '../../connectors/github/index.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { runClock, type IssueSla } from '../../src/domain/sla-clock.js';
import type { MetricStatus } from '../../src/domain/metric-status.js';
import { projectRoot } from '../../src/project-root.js';
import { GITHUB_ISSUE_42_WEBHOOKS } from '../support/github-story.js';
import { shippedConfig } from '../support/shipped-config.js';

interface Fixture {
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

const FIXTURES = path.join(projectRoot(), 'test/fixtures/github');
const fixture = (name: string): Fixture => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;

const deliveryOf = (body: unknown, headers: IncomingHttpHeaders = {}): WebhookDelivery => ({ headers, rawBody: Buffer.from(JSON.stringify(body)) });
const parse = (delivery: WebhookDelivery): GithubPayload => githubConnector.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
const normalizeDelivery = (source: Source, delivery: WebhookDelivery): Normalized => githubConnector.normalize(source, parse(delivery), delivery);

function normalizeFixture(source: Source, name: string, edit: (body: Record<string, any>) => void = () => {}): Normalized {
  const { headers, body } = fixture(name);
  const copy = structuredClone(body);
  edit(copy);
  return normalizeDelivery(source, deliveryOf(copy, headers));
}

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}

const github = (): Source => shippedConfig().sources.get('github-demo')!;
const at = (time: string, date = '2026-11-26') => Date.parse(`${date}T${time}+01:00`);

const REPO = 'open2bizz/odoo-customer';
const TITLE_42 = "Sales orders cannot be confirmed: 'Missing required account on accountable line'";
const ref = (number: number, title: string, repository = REPO, host = 'https://github.com'): IssueRef => ({
  id: `${repository}#${number}`,
  key: `${repository}#${number}`,
  title,
  url: `${host}/${repository}/issues/${number}`,
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

const labelEvents = (time: number, labels: string[], priority: Created['priority'], environment: string | null = null, status = 'open', paused = false): IssueEvent[] => [
  { type: 'labels_changed', at: time, labels },
  { type: 'priority_changed', at: time, priority },
  { type: 'environment_changed', at: time, environment },
  { type: 'status_changed', at: time, status, paused },
];

const WAITING = 'status/waiting-for-customer';

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
  readonly issue?: IssueRef;
  readonly events?: readonly IssueEvent[];
  readonly ignored?: string;
}

const ISSUE_42 = ref(42, TITLE_42);
const HELLO = (number: number, host = 'https://github.com') => ref(number, 'Spelling error in the README file', 'Codertocat/Hello-World', host);
const hello = (fields: Partial<Created> & Pick<Created, 'at'>): Created =>
  created({ title: 'Spelling error in the README file', project: 'Codertocat/Hello-World', labels: ['bug'], priority: 'P4', assignee: 'Codertocat', ...fields });

const EXPECTATIONS: readonly Expectation[] = [
  { fixture: 'issue-opened', issue: { ...ISSUE_42, title: 'Sales orders cannot be confirmed' }, events: [created42({ labels: ['priority/2'], priority: 'P2', assignee: null, title: 'Sales orders cannot be confirmed', synthetic: false })] },
  {
    fixture: 'labeled-at-creation',
    issue: { ...ISSUE_42, title: 'Sales orders cannot be confirmed' },
    events: [
      created42({ labels: ['priority/2'], priority: 'P2', assignee: null, title: 'Sales orders cannot be confirmed' }),
      ...labelEvents(at('09:12:44'), ['priority/2'], 'P2'),
      observed(at('09:12:44'), 'P2', null),
    ],
  },
  { fixture: 'issue-edited', ignored: 'issue edits (title, body) do not affect SLA clocks' },
  {
    fixture: 'unlabeled-priority-2',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), ...labelEvents(at('09:31:05'), ['priority/1'], 'P1'), observed(at('09:31:05'), 'P1', null)],
  },
  {
    fixture: 'labeled-priority-1',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), ...labelEvents(at('09:31:05'), ['priority/1'], 'P1'), observed(at('09:31:05'), 'P1', null)],
  },
  { fixture: 'assigned', issue: ISSUE_42, events: [created42(), { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' }, observed(at('09:40:12'), 'P1', 'rbakker')] },
  {
    fixture: 'comment-by-agent',
    issue: ISSUE_42,
    events: [created42(), { type: 'commented', at: at('09:47:30'), by: 'agent', public: true }, observed(at('09:47:30'), 'P1', 'rbakker')],
  },
  {
    fixture: 'labeled-waiting-for-customer',
    issue: ISSUE_42,
    events: [
      created42({ labels: ['priority/1', WAITING], status: WAITING, paused: true }),
      ...labelEvents(at('10:05:18'), ['priority/1', WAITING], 'P1', null, WAITING, true),
      observed(at('10:05:18'), 'P1', 'rbakker', WAITING, true),
    ],
  },
  {
    fixture: 'comment-by-customer',
    issue: ISSUE_42,
    events: [
      created42({ labels: ['priority/1', WAITING], status: WAITING, paused: true }),
      { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
      observed(at('13:22:09'), 'P1', 'rbakker', WAITING, true),
    ],
  },
  {
    fixture: 'unlabeled-waiting-for-customer',
    issue: ISSUE_42,
    events: [created42(), ...labelEvents(at('13:30:41'), ['priority/1'], 'P1'), observed(at('13:30:41'), 'P1', 'rbakker')],
  },
  { fixture: 'comment-edited', ignored: 'comment edited: only new comments affect SLA clocks' },
  {
    fixture: 'closed',
    issue: ISSUE_42,
    events: [created42(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }, observed(at('16:02:57'), 'P1', 'rbakker', 'closed')],
  },
  {
    fixture: 'reopened',
    issue: ISSUE_42,
    events: [created42(), { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'open' }, observed(at('10:15:03', '2026-11-27'), 'P1', 'rbakker')],
  },
  {
    fixture: 'unassigned',
    issue: ISSUE_42,
    events: [created42({ assignee: null }), { type: 'assigned', at: at('10:31:45', '2026-11-27'), assignee: null }, observed(at('10:31:45', '2026-11-27'), 'P1', null)],
  },
  { fixture: 'milestoned', ignored: 'milestone changes do not affect SLA clocks' },
  {
    fixture: 'labeled-env-test',
    issue: ref(43, 'Test environment: PDF export of quotations times out'),
    events: [
      created({ at: at('14:03:11', '2026-11-25'), title: 'Test environment: PDF export of quotations times out', labels: ['env/test', 'priority/2'], environment: 'test', priority: 'P2' }),
      ...labelEvents(at('11:20:40'), ['env/test', 'priority/2'], 'P2', 'test'),
      observed(at('11:20:40'), 'P2', null),
    ],
  },
  {
    fixture: 'comment-on-closed-issue',
    issue: ref(39, 'Delivery slips print the internal reference instead of the customer reference'),
    events: [
      created({ at: at('10:41:26', '2026-11-23'), title: 'Delivery slips print the internal reference instead of the customer reference', labels: ['priority/3'], priority: 'P3', assignee: 'rbakker' }),
      { type: 'commented', at: at('08:58:13'), by: 'customer', public: true },
      { type: 'resolved', at: at('15:20:36', '2026-11-24'), status: 'closed' },
      observed(at('08:58:13'), 'P3', 'rbakker', 'closed'),
    ],
  },
  {
    fixture: 'deleted',
    issue: ref(45, 'Orders cannot be confirmed'),
    events: [created({ at: at('09:13:30'), title: 'Orders cannot be confirmed', labels: ['priority/2'], priority: 'P2' }), { type: 'deleted', at: at('09:13:30') }],
  },
  {
    fixture: 'transferred',
    issue: ref(46, 'Backups of the database stop at 02:00'),
    events: [created({ at: at('11:02:10'), title: 'Backups of the database stop at 02:00', labels: ['priority/3'], priority: 'P3' }), { type: 'deleted', at: at('11:04:52') }],
  },
  { fixture: 'eras/dotcom-2019-issue-opened', issue: HELLO(1), events: [hello({ at: Date.parse('2019-05-15T15:20:18Z'), synthetic: false })] },
  {
    fixture: 'eras/dotcom-2019-comment-created',
    issue: HELLO(1),
    events: [
      hello({ at: Date.parse('2019-05-15T15:20:18Z') }),
      // Codertocat is no listed agent, but comments as the repository's OWNER, an association github-demo counts.
      { type: 'commented', at: Date.parse('2019-05-15T15:20:21Z'), by: 'agent', public: true },
      observed(Date.parse('2019-05-15T15:20:21Z'), 'P4', 'Codertocat'),
    ],
  },
  { fixture: 'eras/dotcom-2019-ping', ignored: 'ping from hook 109948940: the webhook reaches the bridge' },
  { fixture: 'eras/dotcom-2019-pr-comment-created', ignored: 'pull requests are not covered' },
  {
    fixture: 'eras/dotcom-2026-issue-opened',
    issue: ref(33, 'This is a very long Issue title to test topic truncation when renaming.', 'DhruvShetty22/zulip-test'),
    events: [
      created({ at: Date.parse('2026-01-23T17:01:17Z'), title: 'This is a very long Issue title to test topic truncation when renaming.', project: 'DhruvShetty22/zulip-test', labels: [], priority: 'P4', synthetic: false }),
    ],
  },
  {
    fixture: 'eras/ghes-3.5-issue-labeled',
    issue: HELLO(1, 'https://octocoders.github.io'),
    events: [
      hello({ at: Date.parse('2019-05-15T19:37:53Z') }),
      ...labelEvents(Date.parse('2019-05-15T19:37:54Z'), ['bug'], 'P4'),
      observed(Date.parse('2019-05-15T19:37:54Z'), 'P4', 'Codertocat'),
    ],
  },
];

describe('GitHub connector', () => {
  it('is called GitHub', () => {
    expect(displayName).to.equal('GitHub');
  });

  describe('normalize: each delivery gives exactly these engine events', () => {
    for (const expectation of EXPECTATIONS) {
      it(`${expectation.fixture}: ${fixture(expectation.fixture).description}`, () => {
        const normalized = normalizeFixture(github(), expectation.fixture);
        if (expectation.ignored) expect(normalized).to.deep.equal({ outcome: 'ignored', reason: expectation.ignored });
        else expect(normalized).to.deep.equal({ outcome: 'events', issue: expectation.issue, events: expectation.events });
      });
    }

    it('has an expectation for every fixture file, and no fixture carries a signature', () => {
      const files = ['', 'eras'].flatMap((dir) =>
        readdirSync(path.join(FIXTURES, dir))
          .filter((file) => file.endsWith('.json'))
          .map((file) => path.join(dir, file.replace(/\.json$/, ''))),
      );
      expect(files.sort()).to.deep.equal(EXPECTATIONS.map((expectation) => expectation.fixture).sort());
      for (const file of files) expect(Object.keys(fixture(file).headers).filter((name) => name.includes('signature')), file).to.deep.equal([]);
    });

    it('produces events the engine accepts as they are (every default already filled in)', () => {
      for (const expectation of EXPECTATIONS.filter((row) => row.events)) {
        for (const event of eventsOf(normalizeFixture(github(), expectation.fixture))) expect(issueEventSchema.parse(event), expectation.fixture).to.deep.equal(event);
      }
    });
  });

  describe('normalize: which deliveries count', () => {
    it('ignores a delivery without X-GitHub-Event, naming the header', () => {
      expect(normalizeDelivery(github(), deliveryOf(fixture('issue-opened').body, { 'content-type': 'application/json' }))).to.deep.equal({
        outcome: 'ignored',
        reason: 'no X-GitHub-Event header: cannot tell which event this is',
      });
    });

    it('ignores pull requests however they come: a pull_request event, or issue.pull_request on an issues or issue_comment delivery', () => {
      const { headers, body } = fixture('comment-by-agent');
      const pullRequest = { outcome: 'ignored', reason: 'pull requests are not covered' };
      expect(normalizeDelivery(github(), deliveryOf(body, { ...headers, 'x-github-event': 'pull_request' }))).to.deep.equal(pullRequest);
      expect(normalizeDelivery(github(), deliveryOf(body, { ...headers, 'x-github-event': 'pull_request_review_comment' }))).to.deep.equal(pullRequest);
      const onPull = structuredClone(body) as Record<string, any>;
      onPull.issue.pull_request = (fixture('eras/dotcom-2019-pr-comment-created').body as Record<string, any>).issue.pull_request;
      expect(normalizeDelivery(github(), deliveryOf(onPull, headers))).to.deep.equal(pullRequest);
      expect(normalizeDelivery(github(), deliveryOf(body, headers))).to.have.property('outcome', 'events');
    });

    it('ignores other events, naming them', () => {
      const { headers, body } = fixture('issue-opened');
      expect(normalizeDelivery(github(), deliveryOf(body, { ...headers, 'x-github-event': 'push' }))).to.deep.equal({ outcome: 'ignored', reason: 'push events are not covered' });
    });

    it('answers a ping with what the hook does not send', () => {
      const ping = (events: string[]) => normalizeFixture(github(), 'eras/dotcom-2019-ping', (body) => Object.assign(body.hook, { events }));
      expect(ping(['issues', 'issue_comment', 'push'])).to.deep.equal({ outcome: 'ignored', reason: 'ping from hook 109948940: the webhook reaches the bridge' });
      expect(ping(['push'])).to.deep.equal({
        outcome: 'ignored',
        reason: 'ping from hook 109948940: the webhook reaches the bridge, but it does not send issues or issue_comment events; subscribe it to them',
      });
      expect(ping(['issues'])).to.have.property('reason').that.match(/does not send issue_comment events/);
    });

    it('ignores the actions that change nothing an SLA reads, and names an unknown one', () => {
      const withAction = (action: string) => normalizeFixture(github(), 'assigned', (body) => Object.assign(body, { action }));
      const reasons = ['pinned', 'unpinned', 'locked', 'unlocked', 'typed', 'untyped', 'demilestoned'].map((action) => [action, (withAction(action) as { reason: string }).reason]);
      expect(reasons).to.deep.equal([
        ['pinned', 'pinning does not affect SLA clocks'],
        ['unpinned', 'pinning does not affect SLA clocks'],
        ['locked', 'locking the conversation does not affect SLA clocks'],
        ['unlocked', 'locking the conversation does not affect SLA clocks'],
        ['typed', 'issue types do not affect SLA clocks'],
        ['untyped', 'issue types do not affect SLA clocks'],
        ['demilestoned', 'milestone changes do not affect SLA clocks'],
      ]);
      expect(withAction('field_added')).to.deep.equal({ outcome: 'ignored', reason: 'issue action "field_added" is not covered' });
    });

    it('ignores a deleted comment: it takes back no reaction', () => {
      expect(normalizeFixture(github(), 'comment-by-agent', (body) => Object.assign(body, { action: 'deleted' }))).to.deep.equal({
        outcome: 'ignored',
        reason: 'comment deleted: only new comments affect SLA clocks',
      });
    });

    const commentBy = (login: string, association: string | undefined, source = github()) =>
      eventsOf(
        normalizeFixture(source, 'comment-by-customer', (body) => {
          body.comment.user.login = login;
          if (association === undefined) delete body.comment.author_association;
          else body.comment.author_association = association;
        }),
      ).find((event) => event.type === 'commented');

    it('recognises an agent by login whatever its case, or by an author_association the source lists', () => {
      expect(commentBy('Open2Bizz-Support', 'NONE')).to.have.property('by', 'agent');
      for (const association of ['OWNER', 'MEMBER', 'COLLABORATOR', 'member']) expect(commentBy('someone', association), association).to.have.property('by', 'agent');
      for (const association of ['CONTRIBUTOR', 'NONE', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'MANNEQUIN']) {
        expect(commentBy('someone', association), association).to.have.property('by', 'customer');
      }
      // Before 2017 comments had no author_association: only the login tells.
      expect(commentBy('someone', undefined)).to.have.property('by', 'customer');
      const loginsOnly: Source = { ...github(), settings: { associations: new Set(), repositories: [] } };
      expect(commentBy('someone', 'MEMBER', loginsOnly)).to.have.property('by', 'customer');
    });

    it('takes no comment of the bridge itself (api.user) for a reaction', () => {
      const bridgeComment = normalizeFixture({ ...github(), apiUser: 'sla-bridge' }, 'comment-by-customer', (body) => Object.assign(body.comment.user, { login: 'SLA-Bridge' }));
      expect(bridgeComment).to.deep.equal({ outcome: 'ignored', reason: 'a comment by the bridge itself (api.user)' });
    });

    it('reads a priority label whatever its case, and takes the default priority without one', () => {
      const priorityWith = (labels: string[]) =>
        (eventsOf(normalizeFixture(github(), 'issue-opened', (body) => Object.assign(body.issue, { labels: labels.map((name) => ({ name })) })))[0] as Created).priority;
      expect(priorityWith(['Priority/1'])).to.equal('P1');
      expect(priorityWith(['bug'])).to.equal('P4');
    });

    it('states in `observed` only what the payload shows', () => {
      const observedOf = (edit: (issue: Record<string, unknown>) => void) =>
        eventsOf(normalizeFixture(github(), 'comment-by-customer', (body) => edit(body.issue))).find((event) => event.type === 'observed');
      expect(observedOf((issue) => delete issue.labels)).to.deep.equal({ type: 'observed', at: at('13:22:09'), resolved: false, assignee: 'rbakker' });
      expect(observedOf((issue) => delete issue.state)).to.deep.equal({ type: 'observed', at: at('13:22:09'), priority: 'P1', assignee: 'rbakker' });
      expect(observedOf((issue) => Object.assign(issue, { assignee: undefined, assignees: undefined }))).to.deep.equal({
        type: 'observed',
        at: at('13:22:09'),
        status: WAITING,
        paused: true,
        resolved: false,
        priority: 'P1',
      });
      expect(observedOf((issue) => Object.assign(issue, { assignee: null, assignees: [] }))).to.have.property('assignee', null);
    });

    it('takes the first of `assignees` when `assignee` is missing', () => {
      const events = eventsOf(normalizeFixture(github(), 'assigned', (body) => delete body.issue.assignee));
      expect(events.find((event) => event.type === 'assigned')).to.deep.equal({ type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' });
    });

    it('links an issue without html_url through its repository, or the source’s web address', () => {
      const url = (edit: (body: Record<string, any>) => void, source = github()) => (normalizeFixture(source, 'assigned', edit) as { issue: IssueRef }).issue.url;
      expect(url((body) => delete body.issue.html_url)).to.equal('https://github.com/open2bizz/odoo-customer/issues/42');
      expect(url((body) => Object.assign(body.repository, { html_url: 'https://git.example.org/open2bizz/odoo-customer' }) && delete body.issue.html_url)).to.equal(
        'https://git.example.org/open2bizz/odoo-customer/issues/42',
      );
      const server: Source = { ...github(), baseUrl: 'https://git.example.org' };
      expect(url((body) => delete body.issue.html_url && delete body.repository.html_url, server)).to.equal('https://git.example.org/open2bizz/odoo-customer/issues/42');
    });

    it('shows the SLA labels to write-back when the source writes back, and nothing on a deletion', () => {
      const writing: Source = { ...github(), apiToken: 't', writeBack: { ...github().writeBack, enabled: true, labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' } } };
      const withLabels = normalizeFixture(writing, 'assigned', (body) => body.issue.labels.push({ name: 'sla/at-risk' }));
      expect(withLabels).to.have.deep.property('shown', { 'label:sla/at-risk': 'on', 'label:sla/breached': null });
      expect(normalizeFixture(writing, 'deleted')).not.to.have.property('shown');
      expect(normalizeFixture(github(), 'assigned')).not.to.have.property('shown');
    });
  });

  describe('payload schema', () => {
    const opened = () => structuredClone(fixture('issue-opened').body) as Record<string, Record<string, unknown>>;
    const names = EXPECTATIONS.map((expectation) => expectation.fixture);

    it('accepts every fixture, GitHub.com and Enterprise Server, keeping fields it does not read', () => {
      for (const name of names) expect(githubConnector.payloadSchema.parse(fixture(name).body), name).to.deep.equal(fixture(name).body);
    });

    it('accepts what older payloads and the docs’ trimmed examples leave out (no state, labels or author_association)', () => {
      const body = opened();
      for (const key of ['state', 'labels', 'author_association', 'state_reason', 'html_url', 'node_id', 'title', 'assignee', 'assignees', 'closed_at', 'user']) delete body.issue![key];
      expect(githubConnector.payloadSchema.safeParse(body).error?.issues).to.equal(undefined);
      expect(githubConnector.payloadSchema.safeParse({ zen: 'Keep it logically awesome.', hook_id: 1 }).success, 'a ping without repository').to.equal(true);
    });

    it('refuses an issue without what the SLA needs, naming the field', () => {
      for (const key of ['number', 'created_at', 'updated_at']) {
        const body = opened();
        delete body.issue![key];
        expect(githubConnector.payloadSchema.safeParse(body).error?.issues[0]?.path, key).to.deep.equal(['issue', key]);
      }
      const body = opened();
      body.repository!.full_name = 'odoo-customer';
      expect(githubConnector.payloadSchema.safeParse(body).error?.issues[0]?.path).to.deep.equal(['repository', 'full_name']);
    });

    const times: [text: string, accepted: boolean][] = [
      ['2026-11-26T08:12:44Z', true],
      ['2026-11-26T09:12:44+01:00', true],
      ['2026-11-26T08:12:44.123Z', true],
      ['2026-11-26T08:12:44', false],
      ['1764144764', false],
    ];
    for (const [text, accepted] of times) {
      it(`${accepted ? 'accepts' : 'refuses'} the time ${text}`, () => {
        const body = opened();
        body.issue!.updated_at = text;
        const result = githubConnector.payloadSchema.safeParse(body);
        expect(result.success).to.equal(accepted);
        if (!accepted) expect(result.error?.issues[0]?.path).to.deep.equal(['issue', 'updated_at']);
      });
    }
  });

  describe('delivery id', () => {
    it('is the X-GitHub-Delivery GUID, the same on a redelivery', () => {
      const { headers, body } = fixture('issue-opened');
      expect(githubConnector.deliveryId(deliveryOf(body, headers))).to.equal(headers['x-github-delivery']).and.match(/^[0-9a-f-]{36}$/);
      expect(githubConnector.deliveryId(deliveryOf(body, { 'x-github-delivery': '' }))).to.equal(undefined);
      expect(githubConnector.deliveryId(deliveryOf(body, {}))).to.equal(undefined);
    });
  });

  describe('verify', () => {
    const rawBody = Buffer.from(JSON.stringify(fixture('comment-by-agent').body));
    const rotating: Source = { ...github(), secrets: ['current-secret', 'next-secret'] };
    const verify = (headers: IncomingHttpHeaders, body = rawBody, source = rotating) => githubConnector.verify(source, { headers, rawBody: body });
    const signed = (secret: string, body = rawBody) => githubConnector.sign(secret, body);

    it('signs as GitHub does: sha256=<hex> in X-Hub-Signature-256, sha1=<hex> in X-Hub-Signature', () => {
      const headers = signed('current-secret');
      expect(headers['x-hub-signature-256']).to.match(/^sha256=[0-9a-f]{64}$/);
      expect(headers['x-hub-signature']).to.match(/^sha1=[0-9a-f]{40}$/);
    });

    it('accepts a body signed with either secret during a rotation', () => {
      expect(verify(signed('current-secret'))).to.deep.equal({ ok: true });
      expect(verify(signed('next-secret'))).to.deep.equal({ ok: true });
    });

    it('refuses a wrong secret and a tampered body', () => {
      expect(verify(signed('old-secret'))).to.deep.equal({ ok: false, reason: 'X-Hub-Signature-256 does not match the body' });
      const tampered = Buffer.from(rawBody.toString('utf8').replace('"created"', '"deleted"'));
      expect(verify(signed('current-secret'), tampered)).to.deep.equal({ ok: false, reason: 'X-Hub-Signature-256 does not match the body' });
    });

    it('refuses the SHA-1 signature alone, even a correct one', () => {
      const { 'x-hub-signature': sha1 } = signed('current-secret');
      expect(verify({ 'x-hub-signature': sha1 })).to.deep.equal({ ok: false, reason: 'only X-Hub-Signature (SHA-1) was sent; the bridge needs X-Hub-Signature-256' });
    });

    it('refuses an unsigned delivery and a malformed header', () => {
      expect(verify({})).to.deep.equal({ ok: false, reason: 'missing X-Hub-Signature-256 header' });
      const hex = signed('current-secret')['x-hub-signature-256']!.slice('sha256='.length);
      expect(verify({ 'x-hub-signature-256': hex })).to.deep.equal({ ok: false, reason: 'malformed X-Hub-Signature-256 header (expected sha256=<hex>)' });
      expect(verify({ 'x-hub-signature-256': `sha1=${hex}` })).to.deep.equal({ ok: false, reason: 'malformed X-Hub-Signature-256 header (expected sha256=<hex>)' });
      expect(verify({ 'x-hub-signature-256': `sha256=${hex.slice(2)}` })).to.deep.equal({ ok: false, reason: 'malformed X-Hub-Signature-256 header' });
      expect(verify({ 'x-hub-signature-256': `SHA256=${hex.toUpperCase()}` })).to.deep.equal({ ok: true });
    });

    it('accepts unsigned deliveries only for an insecure source without secrets', () => {
      expect(verify({}, rawBody, { ...github(), secrets: [], insecure: true })).to.deep.equal({ ok: true });
      expect(verify({}, rawBody, { ...rotating, insecure: true })).to.deep.equal({ ok: false, reason: 'missing X-Hub-Signature-256 header' });
    });

    it('never throws on arbitrary headers and bodies', () => {
      const value = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), fc.constant(undefined));
      const name = fc.constantFrom('x-hub-signature-256', 'x-hub-signature', 'x-github-delivery', 'x-github-event', 'x-other');
      fc.assert(
        fc.property(fc.dictionary(name, value), fc.uint8Array({ maxLength: 256 }), (headers, body) => {
          expect(githubConnector.verify(rotating, { headers, rawBody: Buffer.from(body) }).ok).to.be.a('boolean');
          githubConnector.deliveryId({ headers, rawBody: Buffer.from(body) });
        }),
      );
    });

    it('accepts exactly the signature sign() produces for the body and secret', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 256 }), fc.stringMatching(/^[0-9a-f]{64}$/), (secret, bytes, otherHex) => {
          const body = Buffer.from(bytes);
          const source: Source = { ...github(), secrets: [secret] };
          const genuine = githubConnector.sign(secret, body);
          expect(githubConnector.verify(source, { headers: genuine, rawBody: body }).ok).to.equal(true);
          const other = { 'x-hub-signature-256': `sha256=${otherHex}` };
          expect(githubConnector.verify(source, { headers: other, rawBody: body }).ok).to.equal(genuine['x-hub-signature-256'] === other['x-hub-signature-256']);
          expect(githubConnector.verify(source, { headers: genuine, rawBody: Buffer.concat([body, Buffer.from(' ')]) }).ok).to.equal(false);
        }),
      );
    });
  });

  describe('the #42 story through the SLA clock', () => {
    const eventsFor = (names: readonly string[]) =>
      names.flatMap((name) => {
        const normalized = normalizeFixture(github(), name);
        return normalized.outcome === 'events' ? normalized.events : [];
      });
    const slaAt = (events: readonly IssueEvent[], now = at('12:00', '2026-11-27')) => runClock({ source: 'github-demo', events }, shippedConfig().contracts.values(), now);
    const metric = (sla: IssueSla, name: string): MetricStatus => {
      if (!sla.covered) throw new Error(`not covered: ${sla.reason}`);
      return sla.metrics.find((status) => status.metric === name)!;
    };
    const spans = (status: MetricStatus) => status.segments!.map((segment) => [segment.from, segment.to, segment.priority]);

    it('reacts at the agent comment, and measures resolution without the time waiting for the customer', () => {
      const sla = slaAt(eventsFor(GITHUB_ISSUE_42_WEBHOOKS));
      expect(sla).to.include({ covered: true, contract: 'open2bizz-saas', status: 'open', resolved: false });
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
      const once = slaAt(eventsFor(GITHUB_ISSUE_42_WEBHOOKS));
      expect(slaAt([...eventsFor([...GITHUB_ISSUE_42_WEBHOOKS].reverse()), ...eventsFor(GITHUB_ISSUE_42_WEBHOOKS)])).to.deep.equal(once);
    });

    it('starts an issue first heard of mid-life at its real creation time, from the synthetic created event', () => {
      const sla = slaAt(eventsFor(GITHUB_ISSUE_42_WEBHOOKS.filter((name) => name !== 'issue-opened')));
      expect(metric(sla, 'reaction')).to.include({ state: 'met', startedAt: at('09:12:44'), metAt: at('09:47:30') });
    });
  });
});
