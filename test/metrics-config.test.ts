/**
 * `metrics:` of a contract with metrics defined by conditions: what loads, what `sla-bridge
 * validate` says of each metric, and refusals that name the file, the metric and the condition.
 */
import { expect } from 'chai';
import path from 'node:path';
import { ConfigError } from '../src/config/config-error.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { explainContractMetrics } from '../src/cli/explain-metrics.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { runClock } from '../src/domain/sla-clock.js';
import { OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';

const HEAD = `customer: ACME
calendar: office
covers:
  - { source: gitea-demo, project: acme/app }
policies:
  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }
`;

const HANDOVER = `metrics:
  handover:
    start: [assigned_to_group:second-line]
    stop: ["comment_by:group:second-line", "status_entered:in progress"]
    pause_while: [category:paused]
    restarts: true
    targets: { P1: 30m, P2: 1h, P3: 4h, P4: none }
    warnings: ["50%"]
    calendar: all-day
  p1-since-creation:
    start: [priority_set:P1]
    retroactive: true
    stop: [resolved]
    cancel: [label_added:duplicate]
    targets: 4h
  after-reaction:
    start: [met:reaction]
    stop: [resolved]
    targets: 1d
`;

function load(contract: string) {
  const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'calendars/all-day.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n', 'contracts/acme.yaml': contract });
  return { dir, config: () => loadBridgeConfig(dir, {}) };
}

function problems(contract: string): string[] {
  const { dir, config } = load(contract);
  try {
    config();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message.split('\n').map((line) => line.replace(path.join(dir, 'contracts/acme.yaml'), 'acme.yaml'));
  }
  throw new Error('the config loaded');
}

describe('metrics defined by conditions in the config', () => {
  it('loads them after the presets, in the order of the file, with their own targets, warnings and calendar', () => {
    const contract = load(HEAD + HANDOVER).config().contracts.get('acme')!;
    expect(contract.metrics.map((rule) => rule.metric)).to.deep.equal(['reaction']);
    const [handover, p1, after] = contract.customMetrics!;
    expect([handover!.name, p1!.name, after!.name]).to.deep.equal(['handover', 'p1-since-creation', 'after-reaction']);
    expect(handover!.start.map((condition) => condition.kind)).to.deep.equal(['assigned_to_group']);
    expect(handover!.stop.map((condition) => condition.text)).to.deep.equal(['comment_by:group:second-line', 'status_entered:in progress']);
    expect(handover!.targets.P4).to.equal(null);
    expect(handover!.targets.P1).to.deep.include({ minutes: 30 });
    expect(handover!.calendar!.id).to.equal('all-day');
    expect(handover!.warnings!.map((warning) => warning.label)).to.deep.equal(['50%']);
    expect(handover!.restarts).to.equal(true);
    expect(p1!.retroactive).to.equal(true);
    expect(p1!.targets.P3).to.deep.include({ hours: 4 });
    expect(p1!.calendar).to.equal(undefined);
  });

  it('validate explains every metric in one sentence', () => {
    const lines = explainContractMetrics(load(HEAD + HANDOVER).config().contracts.values());
    expect(lines).to.deep.equal([
      'acme: reaction starts when the issue is created, pauses while the issue is in a pausing status, stops when an agent comments publicly or the issue is resolved.',
      'acme: handover starts when the issue is assigned to a member of second-line, pauses while the issue is in a pausing status, stops when a member of second-line comments or the issue enters status "in progress" and starts a new cycle each time it starts again.',
      'acme: p1-since-creation starts when the priority is set to P1 (counted from creation), stops when the issue is resolved, is cancelled when label "duplicate" is added.',
      'acme: after-reaction starts when reaction is met, stops when the issue is resolved.',
    ]);
  });

  it('a contract may measure only metrics defined by conditions', () => {
    const contract = load(HEAD.replace('  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }\n', '  {}\n') + HANDOVER.replace(/  after-reaction:[^]*$/, '')).config().contracts.get('acme')!;
    expect(contract.metrics).to.deep.equal([]);
    expect(contract.customMetrics!.map((definition) => definition.name)).to.deep.equal(['handover', 'p1-since-creation']);
  });

  describe('support lines', () => {
    const LINES = `lines:
  first:
    members: [ann, bob@desk.example]
  second-platform:
    members: [carl, Dora]
    handover: { P1: 15m, P2: 30m, P3: 1h, P4: none }
    calendar: all-day
`;

    it('each line is a group, and a line with a handover target gets its handover metric', () => {
      const contract = load(HEAD + LINES).config().contracts.get('acme')!;
      expect([...contract.lines!.keys()]).to.deep.equal(['first', 'second-platform']);
      expect([...contract.lines!.get('second-platform')!]).to.deep.equal(['carl', 'dora']);
      expect(contract.customMetrics!.map((definition) => definition.name)).to.deep.equal(['handover-second-platform']);
      expect(explainContractMetrics([contract])[1]).to.equal(
        'acme: handover-second-platform starts when the issue is assigned to a member of second-platform, pauses while the issue is in a pausing status, stops when a member of second-platform comments or the status changes, is cancelled when the issue is assigned away from second-platform and starts a new cycle each time it starts again.',
      );
    });

    it('measures each handover to the line until a member of it reacts, in the line\'s calendar', () => {
      const contract = load(HEAD + LINES).config().contracts.get('acme')!;
      const createdAt = Math.floor(Date.now() / 60_000) * 60_000;
      const at = (minutes: number) => createdAt + minutes * 60_000;
      const events = [
        { type: 'created', at: at(0), project: 'acme/app', priority: 'P3', status: 'open', assignee: 'ann' },
        { type: 'assigned', at: at(10), assignee: 'carl' },
        // Handed back to the first line before anyone of the second reacted: that handover is cancelled.
        { type: 'assigned', at: at(20), assignee: 'bob@desk.example' },
        { type: 'assigned', at: at(30), assignee: 'Dora' },
        { type: 'commented', at: at(40), by: 'agent', author: { names: ['ann'] } },
        { type: 'commented', at: at(75), by: 'agent', author: { names: ['dora'] } },
      ].map((event) => issueEventSchema.parse(event));
      const sla = runClock({ source: 'gitea-demo', events }, [contract], at(120));
      if (!sla.covered) throw new Error(sla.reason);
      const handover = sla.custom!.find((status) => status.metric === 'handover-second-platform')!;
      expect(handover).to.deep.include({ state: 'met', startedAt: at(30), metAt: at(75), elapsedMs: 45 * 60_000, calendar: 'all-day' });
      expect(handover.cycles).to.deep.equal([{ startedAt: at(10), endedAt: at(20), outcome: 'cancelled', elapsedMs: 10 * 60_000 }]);
    });

    it('refuses a line without members', () => {
      const lines = problems(HEAD + 'lines:\n  first:\n    members: []\n');
      expect(lines.some((line) => line.startsWith('acme.yaml: lines.first.members: name at least one member')), lines.join('\n')).to.equal(true);
    });

    it('refuses a handover metric that a metric already is', () => {
      const lines = problems(HEAD + 'lines:\n  second:\n    members: [x]\n    handover: 1h\n' + 'metrics:\n  handover-second:\n    start: [created]\n    stop: [resolved]\n    targets: 1h\n');
      expect(lines.some((line) => line.startsWith("acme.yaml: lines.second.handover: the line's handover metric is called handover-second, which metrics.handover-second already is")), lines.join('\n')).to.equal(true);
    });
  });

  const refusals: [string, string, string][] = [
    [
      'an unknown condition',
      'metrics:\n  handover:\n    start: ["assigned_to_grp:second-line"]\n    stop: [resolved]\n    targets: 1h\n',
      'acme.yaml: metrics.handover.start[0]: "assigned_to_grp:second-line" is not an event condition (use created, accepted,',
    ],
    ['a condition without its argument', 'metrics:\n  handover:\n    start: [created]\n    stop: ["label_added:"]\n    targets: 1h\n', 'acme.yaml: metrics.handover.stop[0]: "label_added:": label_added needs a label'],
    ['a state condition where it takes one', 'metrics:\n  handover:\n    start: [created]\n    stop: [resolved]\n    pause_while: [reopened]\n    targets: 1h\n', 'acme.yaml: metrics.handover.pause_while[0]: "reopened" is not a state condition'],
    ['a bad priority', 'metrics:\n  handover:\n    start: ["priority_set:P9"]\n    stop: [resolved]\n    targets: 1h\n', 'acme.yaml: metrics.handover.start[0]: "priority_set:P9": priority_set needs a priority (P1, P2, P3, P4)'],
    ['no stop condition', 'metrics:\n  handover:\n    start: [created]\n    stop: []\n    targets: 1h\n', 'acme.yaml: metrics.handover.stop: name at least one stop condition'],
    ['a metric that is not measured before', 'metrics:\n  handover:\n    start: ["met:later"]\n    stop: [resolved]\n    targets: 1h\n', 'acme.yaml: metrics.handover.start[0]: "met:later": later is not a metric measured before handover (measured before it: reaction)'],
    ['a metric waiting for itself', 'metrics:\n  handover:\n    start: ["met:handover"]\n    stop: [resolved]\n    targets: 1h\n', 'acme.yaml: metrics.handover.start[0]: "met:handover": a metric cannot wait for itself'],
    ['resume without pause', 'metrics:\n  handover:\n    start: [created]\n    stop: [resolved]\n    resume: [comment_by:customer]\n    targets: 1h\n', 'acme.yaml: metrics.handover.resume: resume conditions end a pause: name the pause conditions too'],
    ['an unknown calendar', 'metrics:\n  handover:\n    start: [created]\n    stop: [resolved]\n    calendar: nightly\n    targets: 1h\n', 'acme.yaml: metrics.handover.calendar: unknown calendar "nightly" (known: all-day, office)'],
    ['a bad target', 'metrics:\n  handover:\n    start: [created]\n    stop: [resolved]\n    targets: { P1: 1 hour }\n', 'acme.yaml: metrics.handover.targets.P1: "1 hour" is not a duration'],
    ['a bad name', 'metrics:\n  Hand Over:\n    start: [created]\n    stop: [resolved]\n    targets: 1h\n', 'acme.yaml: metrics.Hand Over: a metric name is lower-case letters'],
    ['a misspelt key', 'metrics:\n  handover:\n    start: [created]\n    stops: [resolved]\n    targets: 1h\n', 'acme.yaml: metrics.handover'],
    ['a preset as before', 'metrics:\n  reaction:\n    met_by: [commented]\n', 'acme.yaml: metrics.reaction.met_by[0]: "commented" is not a meeting event'],
  ];
  for (const [name, metrics, expected] of refusals) {
    it(`refuses ${name}, naming the file, the metric and the condition`, () => {
      const lines = problems(HEAD + metrics);
      expect(lines.some((line) => line.startsWith(expected)), lines.join('\n')).to.equal(true);
    });
  }
});
