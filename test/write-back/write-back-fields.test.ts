/**
 * What the bridge asks a tracker to show, from the clock's answer, and the `write_back:` config.
 * Times are Europe/Amsterdam; 2026-11-30 is a Monday (+01:00).
 */
import { expect } from 'chai';
import { PLUGINS } from '../../src/app/plugins.js';
import { sourceFileSchema } from '../../src/config/source-schema.js';
import { writeBackConfigSchema } from '../../src/config/write-back-config.js';
import { parseLocalIso } from '../../src/domain/local-time.js';
import { issueEventSchema, type IssueEventInput } from '../../src/domain/issue-event.js';
import { runClock, type IssueSla } from '../../src/domain/sla-clock.js';
import type { MetricState, MetricStatus } from '../../src/domain/metric-status.js';
import type { Metric } from '../../src/domain/metric.js';
import { NOTHING_TO_SHOW, writeBackFieldsFrom, writeBackFieldsSchema } from '../../src/domain/write-back-fields.js';
import { shippedConfig } from '../support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;

function status(metric: Metric, state: MetricState, extra: Partial<MetricStatus> = {}): MetricStatus {
  return { metric, state, priority: 'P2', calendar: 'nl-office', zone: ZONE, ...extra };
}

function covered(...metrics: MetricStatus[]): IssueSla {
  return {
    covered: true,
    contract: 'acme-gold',
    customer: 'ACME',
    createdAt: 0,
    priority: { effective: 'P2', requested: 'P2', reason: 'P2 as set in the tracker' },
    status: 'open',
    assignee: null,
    resolved: false,
    deleted: false,
    metrics,
  };
}

const warningAt = (local: string) => [{ label: '75%', elapsedMs: 1, at: at(local) }];

describe('write-back: what the tracker should show', () => {
  const now = at('2026-11-30T12:00');

  describe('per metric state', () => {
    const deadline = at('2026-11-30T17:00');
    const overdue = at('2026-11-30T11:00');
    const rows: { state: MetricState; extra: Partial<MetricStatus>; shows: number | null; breached: boolean; why: string }[] = [
      { state: 'running', extra: { deadline }, shows: deadline, breached: false, why: 'open: its deadline' },
      { state: 'breached', extra: { deadline: overdue }, shows: overdue, breached: true, why: 'overdue and unmet: still open, so shown' },
      { state: 'breached', extra: { deadline: overdue, metAt: at('2026-11-30T11:30') }, shows: null, breached: true, why: 'met late: closed' },
      { state: 'met', extra: { deadline, metAt: at('2026-11-30T10:00') }, shows: null, breached: false, why: 'met: nothing left to do' },
      { state: 'paused', extra: { deadline: null }, shows: null, breached: false, why: 'paused: no running deadline' },
      { state: 'not_started', extra: {}, shows: null, breached: false, why: 'not started yet' },
      { state: 'not_applicable', extra: {}, shows: null, breached: false, why: 'no target' },
    ];
    for (const row of rows) {
      it(`${row.state}${row.state === 'breached' && row.extra.metAt ? ', then met late' : ''} → ${row.shows === null ? 'no deadline' : 'deadline'} (${row.why})`, () => {
        const fields = writeBackFieldsFrom(covered(status('resolution', row.state, row.extra)), now);
        expect(fields.deadlines.resolution).to.equal(row.shows);
        expect(fields.nearest).to.equal(row.shows);
        expect(fields.breached).to.equal(row.breached);
        expect(fields.breachedMetrics).to.deep.equal(row.breached ? ['resolution'] : []);
      });
    }
  });

  it('takes the nearest of the open deadlines, an overdue one included, and the calendar zone', () => {
    const fields = writeBackFieldsFrom(
      covered(
        status('reaction', 'breached', { deadline: at('2026-11-30T11:00') }),
        status('response', 'met', { deadline: at('2026-11-30T10:00'), metAt: at('2026-11-30T09:30') }),
        status('resolution', 'running', { deadline: at('2026-12-02T17:00') }),
      ),
      now,
    );
    expect(fields).to.deep.equal({
      deadlines: { reaction: at('2026-11-30T11:00'), response: null, resolution: at('2026-12-02T17:00') },
      zone: ZONE,
      nearest: at('2026-11-30T11:00'),
      atRisk: false,
      breached: true,
      breachedMetrics: ['reaction'],
    });
  });

  it('is at risk when a running metric has passed a warning, but not when paused or when breached', () => {
    const running = status('reaction', 'running', { deadline: at('2026-11-30T17:00'), warnings: warningAt('2026-11-30T11:59') });
    expect(writeBackFieldsFrom(covered(running), now).atRisk).to.equal(true);
    const notYet = status('reaction', 'running', { deadline: at('2026-11-30T17:00'), warnings: warningAt('2026-11-30T12:01') });
    expect(writeBackFieldsFrom(covered(notYet), now).atRisk).to.equal(false);
    const paused = status('reaction', 'paused', { deadline: null, warnings: warningAt('2026-11-30T11:00') });
    expect(writeBackFieldsFrom(covered(paused), now).atRisk).to.equal(false);
    const breachedToo = status('response', 'breached', { deadline: at('2026-11-30T11:30') });
    const both = writeBackFieldsFrom(covered(running, breachedToo), now);
    expect([both.atRisk, both.breached]).to.deep.equal([false, true]);
  });

  it('shows nothing for an issue no contract covers', () => {
    expect(writeBackFieldsFrom({ covered: false, reason: 'no contract' }, now)).to.deep.equal(NOTHING_TO_SHOW);
  });

  it('survives a JSON round trip through its schema, so it can be stored as `previous`', () => {
    const fields = writeBackFieldsFrom(covered(status('reaction', 'running', { deadline: at('2026-11-30T17:00') })), now);
    expect(writeBackFieldsSchema.parse(JSON.parse(JSON.stringify(fields)))).to.deep.equal(fields);
  });

  describe("from the clock's own answer (shipped Open2Bizz contract, P2: reaction within 8 business hours)", () => {
    const created = { type: 'created', at: at('2026-11-30T09:00'), project: 'open2bizz/odoo-customer', priority: 'P2', status: 'open' } as IssueEventInput;
    const history = (...more: IssueEventInput[]) => ({ source: 'gitea-demo', events: [created, ...more].map((event) => issueEventSchema.parse(event)) });
    const contracts = () => [...shippedConfig().contracts.values()];
    const fieldsAt = (local: string, ...more: IssueEventInput[]) => writeBackFieldsFrom(runClock(history(...more), contracts(), at(local)), at(local));

    it('shows the running reaction deadline, at risk from the 50% warning, breached after 17:00', () => {
      expect(fieldsAt('2026-11-30T12:00')).to.deep.include({ nearest: at('2026-11-30T17:00'), atRisk: false, breached: false, zone: ZONE });
      expect(fieldsAt('2026-11-30T13:30')).to.deep.include({ atRisk: true, breached: false });
      expect(fieldsAt('2026-11-30T17:30')).to.deep.include({ nearest: at('2026-11-30T17:00'), atRisk: false, breached: true, breachedMetrics: ['reaction'] });
    });

    it('clears the reaction deadline once an agent has commented', () => {
      const fields = fieldsAt('2026-11-30T12:00', { type: 'commented', at: at('2026-11-30T11:00'), by: 'agent', public: true });
      expect(fields.deadlines.reaction).to.equal(null);
      expect(fields.deadlines.resolution).to.be.a('number');
      expect(fields.nearest).to.equal(fields.deadlines.resolution);
    });
  });
});

describe('write-back: the write_back config block', () => {
  it('is off and writes nothing unless told', () => {
    expect(writeBackConfigSchema.parse({})).to.deep.equal({ enabled: false, fields: {}, due_date: false, labels: {}, comment_on_breach: false });
  });

  it('refuses a misspelt key', () => {
    expect(writeBackConfigSchema.safeParse({ enabled: true, due_dates: true }).success).to.equal(false);
    expect(writeBackConfigSchema.safeParse({ fields: { reactions: 'customfield_1' } }).success).to.equal(false);
  });

  // Checked as a source file of each tracker, with the shipped trackers' own checks.
  const schema = sourceFileSchema(PLUGINS.trackers);
  const messages = (kind: string, writeBack: unknown, token = 'secret') => {
    const result = schema.safeParse({
      kind,
      base_url: 'https://tracker.example.com',
      webhook: { secrets: ['s'] },
      api: { token },
      priority: { field: kind === 'gitlab' ? 'labels' : 'priority', map: {}, default: 'P3' },
      write_back: writeBack,
    });
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('takes Jira custom fields by id only', () => {
    expect(messages('jira', { enabled: true, fields: { reaction: 'customfield_10050' }, due_date: true })).to.deep.equal([]);
    expect(messages('jira', { fields: { reaction: 'SLA reaction deadline' } })).to.deep.equal([
      'write_back.fields.reaction: "SLA reaction deadline" is not a Jira custom field id (use e.g. customfield_10050)',
    ]);
  });

  it('has no fields on Gitea, Forgejo, GitLab or GitHub, and labels nowhere else', () => {
    expect(messages('github', { labels: { at_risk: 'sla/at-risk' } })).to.deep.equal([]);
    expect(messages('gitea', { labels: { at_risk: 'sla/at-risk' }, due_date: true })).to.deep.equal([]);
    expect(messages('gitlab', { labels: { at_risk: 'sla::at-risk' }, due_date: true })).to.deep.equal([]);
    expect(messages('forgejo', { fields: { reaction: 'x' } })).to.deep.equal(['write_back.fields: Forgejo issues have no custom fields; use due_date and labels']);
    expect(messages('gitlab', { fields: { reaction: 'x' } })).to.deep.equal(['write_back.fields: GitLab issues have no custom fields; use due_date and labels']);
    expect(messages('mantis', { fields: { reaction: 'SLA reaction deadline' }, labels: { breached: 'sla' } })).to.deep.equal([
      'write_back.labels: the bridge writes no SLA labels to MantisBT; use fields',
    ]);
    expect(messages('jira', { labels: { breached: 'sla' } })).to.deep.equal(['write_back.labels: the bridge writes no SLA labels to Jira; use fields']);
  });

  it('needs an API token once enabled, an empty one (unset ${VAR:-}) counting as none', () => {
    expect(messages('mantis', { enabled: true, due_date: true }, '')).to.deep.equal(['api.token: write_back is enabled, so the source needs an API token']);
    expect(messages('mantis', { enabled: false, due_date: true }, '')).to.deep.equal([]);
  });
});
