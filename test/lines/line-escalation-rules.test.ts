/**
 * The rules of functional escalation, as tables: which notifications escalate a support line, to
 * which line and to whom; what `escalate:` compiles to (thresholds join the handover's warnings);
 * and the configs refused, by file and path.
 */
import { expect } from 'chai';
import path from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { escalationOf } from '../../src/app/jobs/line-escalation.js';
import { explainContractMetrics } from '../../src/cli/explain-metrics.js';
import { OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';

const HEAD = `customer: ACME
calendar: office
covers:
  - { source: gitea-demo, project: acme/app }
policies:
  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }
warnings: ["50%"]
`;

const LINES = `lines:
  first:
    members: [anna, bram]
    handover: 1h
    escalate: { to: second-platform }
  second-platform:
    members: [carla, dirk]
    handover: { P1: 30m, P2: 1h, P3: 4h, P4: none }
    escalate: { after: "75%", to: third, assign: true }
  second-application:
    members: [rob]
    handover: 4h
    warnings: ["90%"]
    escalate: { after: 30m before, to: third, assign: ronald@2value.example }
  third:
    members: [ronald]
    handover: 1d
`;

function loaded(contract: string) {
  const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': contract });
  return { dir, load: () => loadBridgeConfig(dir, {}) };
}

function problems(contract: string): string[] {
  const { dir, load } = loaded(contract);
  try {
    load();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message.split('\n').map((line) => line.replace(path.join(dir, 'contracts/acme.yaml'), 'acme.yaml'));
  }
  throw new Error('the config loaded');
}

describe('functional escalation rules', () => {
  const contract = loaded(HEAD + LINES).load().contracts.get('acme')!;

  it('compiles each line: next line, assignee, and a threshold among the handover warnings', () => {
    const lines = Object.fromEntries([...contract.supportLines!].map(([name, line]) => [name, line.escalate && { after: typeof line.escalate.after === 'string' ? line.escalate.after : line.escalate.after.label, to: line.escalate.to, assignee: line.escalate.assignee }]));
    expect(lines).to.deep.equal({
      first: { after: 'breach', to: 'second-platform', assignee: undefined },
      'second-platform': { after: '75%', to: 'third', assignee: 'ronald' },
      'second-application': { after: '30m before', to: 'third', assignee: 'ronald@2value.example' },
      third: undefined,
    });
    const warnings = Object.fromEntries(contract.customMetrics!.map((metric) => [metric.name, metric.warnings?.map((rule) => rule.label)]));
    expect(warnings).to.deep.equal({
      'handover-first': undefined, // the contract's, which a breach escalation needs nothing added to
      'handover-second-platform': ['50%', '75%'],
      'handover-second-application': ['90%', '30m before'],
      'handover-third': undefined,
    });
  });

  it('sla-bridge validate says each escalation in a sentence, after the metrics', () => {
    expect(explainContractMetrics([contract]).slice(-3)).to.deep.equal([
      'acme: line first escalates when its handover target is breached: tells second-platform.',
      'acme: line second-platform escalates at 75% of its handover target: tells third and assigns the issue to ronald.',
      'acme: line second-application escalates 30m before its handover deadline: tells third and assigns the issue to ronald@2value.example.',
    ]);
  });

  const cases: [string, { metric: string; kind: 'warning' | 'breach' | 'escalation'; label: string; skipped?: string[] }, string | undefined][] = [
    ['a breach of a line escalating on breach', { metric: 'handover-first', kind: 'breach', label: 'breach' }, 'first → second-platform'],
    ['a warning of a line escalating on breach', { metric: 'handover-first', kind: 'warning', label: '50%' }, undefined],
    ['a repeat escalation of a line escalating on breach', { metric: 'handover-first', kind: 'escalation', label: 'escalation 1' }, undefined],
    ['the threshold of a line escalating at 75%', { metric: 'handover-second-platform', kind: 'warning', label: '75%' }, 'second-platform → third'],
    ['another warning of that line', { metric: 'handover-second-platform', kind: 'warning', label: '50%' }, undefined],
    ['its breach, the 75% sent before', { metric: 'handover-second-platform', kind: 'breach', label: 'breach' }, undefined],
    ['its breach standing for a 75% missed while down', { metric: 'handover-second-platform', kind: 'breach', label: 'breach', skipped: ['50%', '75%'] }, 'second-platform → third'],
    ['a before-threshold', { metric: 'handover-second-application', kind: 'warning', label: '30m before' }, 'second-application → third'],
    ['the last line, which escalates nowhere', { metric: 'handover-third', kind: 'breach', label: 'breach' }, undefined],
    ['a preset metric', { metric: 'reaction', kind: 'breach', label: 'breach' }, undefined],
    ['a handover metric of a line the contract lacks', { metric: 'handover-fourth', kind: 'breach', label: 'breach' }, undefined],
  ];
  for (const [name, due, expected] of cases) {
    it(`${name}: ${expected ?? 'no escalation'}`, () => {
      const escalation = escalationOf(contract, { skipped: [], ...due });
      expect(escalation && `${escalation.from.name} → ${escalation.to.name}`).to.equal(expected);
    });
  }

  const refusals: [string, string, string][] = [
    ['an unknown next line', 'lines:\n  first:\n    members: [a]\n    handover: 1h\n    escalate: { to: second }\n', 'acme.yaml: lines.first.escalate.to: "second" is not a line of this contract (lines: first)'],
    ['a line escalating to itself', 'lines:\n  first:\n    members: [a]\n    handover: 1h\n    escalate: { to: first }\n', 'acme.yaml: lines.first.escalate.to: a line cannot escalate to itself'],
    [
      'a circle',
      'lines:\n  first:\n    members: [a]\n    handover: 1h\n    escalate: { to: second }\n  second:\n    members: [b]\n    handover: 1h\n    escalate: { to: first }\n',
      'acme.yaml: lines.first.escalate.to: the escalations go round in a circle: first → second → first',
    ],
    ['a bad threshold', 'lines:\n  first:\n    members: [a]\n    handover: 1h\n    escalate: { after: soon, to: first }\n', 'acme.yaml: lines.first.escalate.after'],
    ['an unknown key', 'lines:\n  first:\n    members: [a]\n    handover: 1h\n    escalate: { to: first, when: breach }\n', 'acme.yaml: lines.first.escalate'],
    ['an unknown channel', 'lines:\n  first:\n    members: [a]\n    handover: 1h\n    channel: nowhere\n', 'acme.yaml: lines.first.channel: unknown channel "nowhere"'],
  ];
  for (const [name, lines, expected] of refusals) {
    it(`refuses ${name}`, () => {
      const found = problems(HEAD + lines);
      expect(found.some((line) => line.includes(expected)), found.join('\n')).to.equal(true);
    });
  }
});
