/**
 * Support lines whose members are tracker groups and lines that name components, case by case: the
 * handover metric a line compiles to, over normalized events, on a round-the-clock calendar so that
 * every minute counts. Also the component conditions on their own, and the configs refused.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { ConfigError } from '../../src/config/config-error.js';
import { compileLines, linesFileSchema } from '../../src/config/lines-config.js';
import type { Contract } from '../../src/domain/contract.js';
import { parseDuration } from '../../src/domain/duration.js';
import { issueEventSchema } from '../../src/domain/issue-event.js';
import { currentLine } from '../../src/domain/line-stats.js';
import { LineMembers, type GroupMember } from '../../src/domain/line-members.js';
import { eventConditionSchema, parseEventCondition } from '../../src/domain/metric-condition.js';
import { runClock } from '../../src/domain/sla-clock.js';
import { WallClockCalendar } from '../../src/domain/wall-clock-calendar.js';
import { projectRoot } from '../../src/project-root.js';
import { writeConfig } from '../support/temp-config.js';
import { explainContractMetrics } from '../../src/cli/explain-metrics.js';

const MINUTE = 60_000;
const base = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.get('acme-support')!;
const allDay = new WallClockCalendar('all-day', 'Europe/Amsterdam');

const LINES = {
  platform: { components: ['Platform', 'Database'], handover: '1h', calendar: 'all-day' },
  second: { members: ['carla', 'group:jira-second-line'], handover: '1h', calendar: 'all-day' },
  both: { members: ['erik'], components: ['Billing'], handover: '1h', calendar: 'all-day' },
};

/** Members of jira-second-line as the directory hands them over (ids and the names events use). */
const SECOND_LINE: GroupMember[] = [{ id: 'acc-dora', names: ['Dora Smit', 'dora@desk.example'] }];

function contractWith(read: boolean): Contract {
  const problems: string[] = [];
  const compiled = compileLines(linesFileSchema.parse(LINES), new Map([['all-day', allDay]]), new Set(), (parts, message) => problems.push(`${parts.join('.')}: ${message}`));
  expect(problems).to.deep.equal([]);
  if (read) (compiled.groups.get('second') as LineMembers).useGroupMembers(SECOND_LINE);
  return { ...base, customMetrics: compiled.metrics, lines: compiled.groups, lineComponents: compiled.components, supportLines: compiled.lines };
}

type Event = { minute: number } & Record<string, unknown>;
const created = (fields: Record<string, unknown> = {}): Event => ({ minute: 0, type: 'created', project: 'ACME', priority: 'P3', status: 'new', ...fields });
const moved = (minute: number, component?: string): Event => ({ minute, type: 'moved', project: 'ACME', ...(component ? { component } : {}) });

function run(events: Event[], nowMinute: number, read = true) {
  const createdAt = Math.floor(Date.now() / MINUTE) * MINUTE;
  const contract = contractWith(read);
  const parsed = events.map(({ minute, ...event }) => issueEventSchema.parse({ ...event, at: createdAt + minute * MINUTE }));
  const sla = runClock({ source: 'jira-demo', events: parsed }, [contract], createdAt + nowMinute * MINUTE);
  if (!sla.covered) throw new Error(sla.reason);
  const minutes = (at: number | null | undefined) => (at == null ? at : (at - createdAt) / MINUTE);
  const of = (line: string) => {
    const status = sla.custom?.find((metric) => metric.metric === `handover-${line}`)!;
    return {
      state: status.state,
      startedAt: minutes(status.startedAt),
      metAt: minutes(status.metAt),
      elapsed: status.elapsedMs === undefined ? undefined : status.elapsedMs / MINUTE,
      cycles: status.cycles?.map((cycle) => `${minutes(cycle.startedAt)}-${minutes(cycle.endedAt)} ${cycle.outcome}`),
    };
  };
  return { of, line: currentLine(contract, sla) };
}

interface Case {
  readonly name: string;
  readonly events: Event[];
  readonly now: number;
  readonly read?: boolean;
  readonly line: keyof typeof LINES;
  readonly expected: Record<string, unknown>;
  /** The line the issue is with at `now`. */
  readonly with?: string | undefined;
}

const CASES: Case[] = [
  {
    name: 'created in a component of the line: its handover starts; an agent’s comment is the reaction',
    events: [created({ component: 'Platform' }), { minute: 5, type: 'commented', by: 'agent' }],
    now: 30,
    line: 'platform',
    expected: { state: 'met', startedAt: 0, metAt: 5, elapsed: 5 },
  },
  {
    name: 'moved into a component of the line: starts then; still waiting, the issue is with the line',
    events: [created({ component: 'Frontend' }), moved(3, 'Database')],
    now: 10,
    line: 'platform',
    expected: { state: 'running', startedAt: 3, elapsed: 7 },
    with: 'platform',
  },
  {
    name: 'moved out of the line’s components before a reaction: the cycle is cancelled',
    events: [created({ component: 'Frontend' }), moved(3, 'Database'), moved(7, 'Frontend')],
    now: 20,
    line: 'platform',
    expected: { state: 'cancelled', startedAt: 3, elapsed: 4 },
    with: undefined,
  },
  {
    name: 'moved out by losing its component altogether: cancelled too',
    events: [created({ component: 'Platform' }), moved(4)],
    now: 20,
    line: 'platform',
    expected: { state: 'cancelled', startedAt: 0, elapsed: 4 },
  },
  {
    name: 'moved from one of the line’s components to another: the same handover runs on',
    events: [created({ component: 'Platform' }), moved(2, 'Database'), { minute: 6, type: 'status_changed', status: 'in progress' }],
    now: 30,
    line: 'platform',
    expected: { state: 'met', startedAt: 0, metAt: 6, elapsed: 6 },
  },
  {
    name: 'an assignment to a person is a component line’s reaction',
    events: [created({ component: 'Platform' }), { minute: 4, type: 'assigned', assignee: 'someone' }],
    now: 30,
    line: 'platform',
    expected: { state: 'met', startedAt: 0, metAt: 4, elapsed: 4 },
  },
  {
    name: 'a customer’s comment is no reaction',
    events: [created({ component: 'Platform' }), { minute: 3, type: 'commented', by: 'customer' }],
    now: 10,
    line: 'platform',
    expected: { state: 'running', startedAt: 0, elapsed: 10 },
  },
  {
    name: 'moved in again after leaving: a second handover',
    events: [created({ component: 'Platform' }), moved(2, 'Frontend'), moved(10, 'Platform'), { minute: 15, type: 'commented', by: 'agent' }],
    now: 30,
    line: 'platform',
    expected: { state: 'met', startedAt: 10, metAt: 15, elapsed: 5, cycles: ['0-2 cancelled'] },
  },
  {
    name: 'a component in another line’s list only starts nothing here',
    events: [created({ component: 'Billing' })],
    now: 10,
    line: 'platform',
    expected: { state: 'not_started' },
    with: 'both',
  },
  {
    name: 'assigned to a member of the line’s tracker group (by display name): starts; her comment by e-mail stops it',
    events: [created(), { minute: 1, type: 'assigned', assignee: 'Dora Smit' }, { minute: 4, type: 'commented', by: 'agent', author: { names: ['acc-dora'], email: 'dora@desk.example' } }],
    now: 30,
    line: 'second',
    expected: { state: 'met', startedAt: 1, metAt: 4, elapsed: 3 },
  },
  {
    name: 'a listed user of a line with groups still counts',
    events: [created(), { minute: 2, type: 'assigned', assignee: 'Carla' }],
    now: 12,
    line: 'second',
    expected: { state: 'running', startedAt: 2, elapsed: 10 },
    with: 'second',
  },
  {
    name: 'before the group was ever read its members are not in the line',
    events: [created(), { minute: 1, type: 'assigned', assignee: 'Dora Smit' }],
    now: 30,
    read: false,
    line: 'second',
    expected: { state: 'not_started' },
    with: undefined,
  },
  {
    name: 'a comment by an agent outside the group is no reaction of a line of members',
    events: [created(), { minute: 1, type: 'assigned', assignee: 'acc-dora' }, { minute: 3, type: 'commented', by: 'agent', author: { names: ['frank'] } }],
    now: 10,
    line: 'second',
    expected: { state: 'running', startedAt: 1, elapsed: 9 },
  },
  {
    name: 'assigned away from the group’s member to someone outside: cancelled',
    events: [created({ assignee: 'Dora Smit' }), { minute: 6, type: 'assigned', assignee: 'frank' }],
    now: 10,
    line: 'second',
    expected: { state: 'cancelled', startedAt: 0, elapsed: 6 },
  },
  {
    name: 'a line of members and components starts either way: moved into its component, then its member takes it',
    events: [created(), moved(2, 'Billing'), { minute: 5, type: 'assigned', assignee: 'erik' }],
    now: 30,
    line: 'both',
    expected: { state: 'met', startedAt: 2, metAt: 5, elapsed: 3 },
    with: 'both',
  },
];

describe('support lines of tracker groups and components', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const result = run(testCase.events, testCase.now, testCase.read ?? true);
      expect(result.of(testCase.line)).to.deep.include(testCase.expected);
      if ('with' in testCase) expect(result.line).to.equal(testCase.with);
    });
  }

  it('component conditions on their own: component_entered:<name> and component_left:<name>, any case', () => {
    const text = ['component_entered:platform', 'component_left:Platform', 'component_entered:group:second', 'component_entered'];
    expect(text.map((condition) => parseEventCondition(condition))).to.deep.equal([
      { kind: 'component_entered', component: 'platform' },
      { kind: 'component_left', component: 'Platform' },
      { kind: 'component_entered', group: 'second' },
      '"component_entered": component_entered needs a component or group:<line>',
    ]);
    const metric = {
      name: 'in-platform',
      start: [eventConditionSchema.parse('component_entered:platform')],
      stop: [eventConditionSchema.parse('component_left:PLATFORM')],
      pauseWhile: [],
      pause: [],
      resume: [],
      reset: [],
      cancel: [],
      retroactive: false,
      restarts: false,
      onReopen: 'ignore' as const,
      targets: { P1: parseDuration('1h')!, P2: parseDuration('1h')!, P3: parseDuration('1h')!, P4: parseDuration('1h')! },
      calendar: allDay,
    };
    const createdAt = Math.floor(Date.now() / MINUTE) * MINUTE;
    const events = [created({ component: 'Frontend' }), moved(5, 'Platform'), moved(12, 'Frontend')].map(({ minute, ...event }) => issueEventSchema.parse({ ...event, at: createdAt + minute * MINUTE }));
    const sla = runClock({ source: 'jira-demo', events }, [{ ...base, customMetrics: [metric] }], createdAt + 30 * MINUTE);
    const status = sla.covered ? sla.custom?.[0] : undefined;
    expect(status).to.deep.include({ state: 'met', startedAt: createdAt + 5 * MINUTE, metAt: createdAt + 12 * MINUTE, elapsedMs: 7 * MINUTE });
  });
});

describe('support line config: groups and components refused where the tracker has none', () => {
  // The shipped demo sources, with their secrets from the environment.
  const SOURCES = Object.fromEntries(['mantis-demo', 'gitea-demo'].map((id) => [`sources/${id}.yaml`, readFileSync(path.join(projectRoot(), 'config/sources', `${id}.yaml`), 'utf8')]));
  const ENV = { MANTIS_WEBHOOK_SECRET: 'mantis-webhook-secret-for-tests-0001', GITEA_WEBHOOK_SECRET: 'gitea-webhook-secret-for-tests-0001' };
  const contract = (source: string, line: string) => `customer: ACME
calendar: round-the-clock
covers:
  - { source: ${source}, project: acme }
policies:
  reaction: 1h
lines:
  second:
${line}
    handover: 1h
`;
  function problems(source: string, line: string): string[] {
    const dir = writeConfig({ 'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n', ...SOURCES, 'contracts/acme.yaml': contract(source, line) });
    try {
      loadBridgeConfig(dir, ENV);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).message.split('\n').filter((text) => text.includes('acme.yaml')).map((text) => text.replace(dir + path.sep, ''));
    }
    throw new Error('the config loaded');
  }

  it('a MantisBT source has no user groups: the line lists users or names categories', () => {
    const [problem, ...rest] = problems('mantis-demo', '    members: [rob, "group:developers"]');
    expect(rest).to.deep.equal([]);
    expect(problem).to.contain('contracts/acme.yaml').and.to.contain('lines.second.members[1]');
    expect(problem).to.contain('source mantis-demo is MantisBT, which has no user groups the bridge can read: list the line\'s users instead, or name the categories it works in components:');
  });

  it('Gitea issues have no components: a label stands in', () => {
    const [problem] = problems('gitea-demo', '    components: [Platform]');
    expect(problem).to.contain('lines.second.components').and.to.contain('source gitea-demo is Gitea');
    expect(problem).to.contain('whose issues have no components');
  });

  it('a line whose team: is no team of teams/', () => {
    const [problem, ...rest] = problems('gitea-demo', '    members: [rob]\n    team: night-desk');
    expect(rest).to.deep.equal([]);
    expect(problem).to.contain('lines.second.team').and.to.contain('unknown team "night-desk" (known: none: teams/ has no file)');
  });

  it('a line with neither members nor components, and an empty group name', () => {
    expect(problems('gitea-demo', '    members: []')[0]).to.contain('lines.second.members').and.to.contain('name at least one member');
    expect(problems('gitea-demo', '    members: ["group:"]')[0]).to.contain('lines.second.members[0]').and.to.contain('name the tracker group after "group:"');
  });
});

describe('sla-bridge validate on lines of groups and components', () => {
  it('says who is in each such line, and whom an escalation assigns to', () => {
    const contract = contractWith(false);
    const third = { name: 'third', members: [], groups: ['jira-third-line'] };
    const second = { ...contract.supportLines!.get('second')!, escalate: { after: 'breach' as const, to: 'third', assignFirst: true } };
    const lines = new Map([...contract.supportLines!, ['second', second], ['third', third]]);
    expect(explainContractMetrics([{ ...contract, customMetrics: [], metrics: [], supportLines: lines }])).to.deep.equal([
      'acme-support: line platform: an issue in component Platform or Database is with it (an agent\'s comment, a status change or an assignment is its reaction).',
      'acme-support: line second: its members are carla, everyone in tracker group jira-second-line.',
      'acme-support: line second escalates when its handover target is breached: tells third and assigns the issue to the first member of third\'s tracker groups as last read.',
      'acme-support: line both: its members are erik; an issue in component Billing is with it (an agent\'s comment, a status change or an assignment is its reaction).',
      'acme-support: line third: its members are everyone in tracker group jira-third-line.',
    ]);
  });
});

describe('escalate.assign: true to a line of components only', () => {
  it('is refused: nobody to assign to; a line of groups assigns its groups’ first member', () => {
    const problems: string[] = [];
    const lines = linesFileSchema.parse({
      first: { members: ['anna'], handover: '1h', escalate: { to: 'platform', assign: true } },
      platform: { components: ['Platform'], handover: '1h', escalate: { to: 'second', assign: true } },
      second: { members: ['group:jira-second-line'], handover: '1h' },
    });
    const compiled = compileLines(lines, new Map(), new Set(), (parts, message) => problems.push(`${parts.join('.')}: ${message}`));
    expect(problems).to.deep.equal(['lines.first.escalate.assign: line platform has no members to assign to (only components): name the assignee, e.g. assign: "<tracker user>"']);
    expect(compiled.lines.get('platform')!.escalate).to.deep.include({ to: 'second', assignFirst: true });
    expect(compiled.lines.get('platform')!.escalate!.assignee).to.equal(undefined);
  });
});
