/**
 * The what-if comparison on hand-worked issues (test/what-if/what-if-cases.ts): each file changes
 * the outcomes it should and nothing else, the unchanged file changes nothing, and a file that is
 * neither a contract nor a calendar, or not a valid one, is refused by file, path and line.
 */
import { expect } from 'chai';
import { ConfigError } from '../src/config/config-error.js';
import { applyWhatIfFile } from '../src/config/what-if-file.js';
import { runClock } from '../src/domain/sla-clock.js';
import { monthRange, WhatIfTally, type WhatIfReport } from '../src/domain/what-if-report.js';
import { at, ISSUES, WITH_FILES, whatIfConfig, type CaseIssue } from './what-if/what-if-cases.js';

const config = whatIfConfig();
const ALWAYS_CALENDAR = 'id: nl-24x7\nzone: Europe/Amsterdam\nhours: 24x7\n';
const contract = config.contracts.get('whatif-test')!;
/** Long after every case: each metric is decided or breached by then. */
const NOW = at('2026-11-02T12:00');

function compare(withText: string, issues: readonly CaseIssue[], months: [string, number] = ['2026-03', 2]): WhatIfReport {
  const changed = applyWhatIfFile(withText, 'what-if.yaml', contract, config.calendars, {});
  const tally = new WhatIfTally({ contract: contract.id, customer: contract.customer, zone: 'Europe/Amsterdam', months: monthRange(months[0], months[1], 'Europe/Amsterdam').months, with: { kind: changed.kind, id: changed.id, file: 'what-if.yaml' }, computedAt: NOW, metrics: ['reaction', 'resolution'] });
  for (const issue of issues) {
    const history = { source: 'gitea-demo', events: issue.events };
    tally.add({ source: 'gitea-demo', issue: { key: issue.key }, createdAt: issue.events[0]!.at, before: runClock(history, [contract], NOW), after: runClock(history, [changed.contract], NOW) });
  }
  return tally.report();
}

const reactionChange = (report: WhatIfReport, key: string) => report.changes.find((change) => change.key === key && change.metric === 'reaction');

describe('what-if: the same issues under a changed contract or calendar', () => {
  const cases: { name: string; file: keyof typeof WITH_FILES; kind: 'contract' | 'calendar'; issue: CaseIssue; before: { state: string; deadline: string | null }; after: { state: string; deadline: string | null } }[] = [
    { name: 'a P2 reaction of 8h instead of 4h turns a breached issue into met', file: 'reaction8h', kind: 'contract', issue: ISSUES.fiveHours, before: { state: 'breached', deadline: '2026-03-02T13:00' }, after: { state: 'met', deadline: null } },
    { name: 'a calendar with Good Friday closed moves the deadline past Easter Monday and the late reaction is on time', file: 'goodFridayClosed', kind: 'calendar', issue: ISSUES.beforeEasterSlow, before: { state: 'breached', deadline: '2026-04-03T11:00' }, after: { state: 'met', deadline: null } },
    { name: 'a calendar with Good Friday closed moves the deadline of an issue late either way from Friday to Tuesday', file: 'goodFridayClosed', kind: 'calendar', issue: ISSUES.beforeEasterLate, before: { state: 'breached', deadline: '2026-04-03T11:00' }, after: { state: 'breached', deadline: '2026-04-07T11:00' } },
    { name: 'office hours of 08:00-18:00 start the clock at 08:00 and the reaction at 12:30 is late', file: 'longerHours', kind: 'calendar', issue: ISSUES.early, before: { state: 'met', deadline: null }, after: { state: 'breached', deadline: '2026-03-02T12:00' } },
  ];
  for (const entry of cases) {
    it(entry.name, () => {
      const changed = applyWhatIfFile(WITH_FILES[entry.file], 'what-if.yaml', contract, config.calendars, {});
      expect(changed.kind).to.equal(entry.kind);
      const history = { source: 'gitea-demo', events: entry.issue.events };
      const reaction = (sla: ReturnType<typeof runClock>) => (sla.covered ? sla.metrics.find((status) => status.metric === 'reaction')! : undefined);
      const before = reaction(runClock(history, [contract], NOW))!;
      const after = reaction(runClock(history, [changed.contract], NOW))!;
      const instant = (local: string | null) => (local === null ? null : at(local));
      expect({ state: before.state, deadline: before.deadline }).to.deep.equal({ state: entry.before.state, deadline: instant(entry.before.deadline) });
      expect({ state: after.state, deadline: after.deadline }).to.deep.equal({ state: entry.after.state, deadline: instant(entry.after.deadline) });

      const report = compare(WITH_FILES[entry.file], [entry.issue]);
      const change = reactionChange(report, entry.issue.key);
      if (entry.before.state === entry.after.state) expect(change).to.equal(undefined);
      else expect({ before: change?.before.state, after: change?.after.state, deadline: change?.after.deadline }).to.deep.equal({ before: entry.before.state, after: entry.after.state, deadline: instant(entry.after.deadline) });
      const reactionMoved = entry.before.deadline !== null && entry.after.deadline !== null ? 1 : 0;
      // Resolution (P2 2d from creation, never resolved) is breached on both sides; its deadline moves with the calendar.
      expect(report.total.deadlinesMoved).to.equal(reactionMoved + (entry.kind === 'calendar' ? 1 : 0));
    });
  }

  it('sums both sides per month, priority and metric: met, breached, share on time, median and p90', () => {
    const report = compare(WITH_FILES.reaction8h, [ISSUES.fiveHours, ISSUES.early, ISSUES.beforeEasterLate]);
    const march = report.perMonth.find((month) => month.month === '2026-03')!;
    expect(march.issues).to.equal(2);
    const row = march.rows.find((candidate) => candidate.priority === 'P2' && candidate.metric === 'reaction')!;
    // WI-1 took 5h, WI-4 3.5h (from 09:00): one breached at 4h, none at 8h.
    expect(row.before).to.deep.equal({ met: 1, breached: 1, open: 0, notApplicable: 0, percentMet: 50, medianMs: 3.5 * 3_600_000, p90Ms: 5 * 3_600_000 });
    expect(row.after).to.deep.equal({ met: 2, breached: 0, open: 0, notApplicable: 0, percentMet: 100, medianMs: 3.5 * 3_600_000, p90Ms: 5 * 3_600_000 });
    expect(march.rows.map((candidate) => `${candidate.priority} ${candidate.metric}`)).to.deep.equal(['P2 reaction', 'all reaction', 'P2 resolution', 'all resolution']);
    expect(report.perMonth.map((month) => [month.month, month.issues, month.changed])).to.deep.equal([['2026-03', 2, 1], ['2026-04', 1, 0]]);
    expect(report.total.issues).to.equal(3);
    expect(report.total.rows.find((candidate) => candidate.priority === 'all' && candidate.metric === 'reaction')!.before).to.include({ met: 1, breached: 2, percentMet: 33.3 });
    expect(report.changes.map((change) => [change.month, change.key, change.metric, change.before.state, change.after.state])).to.deep.equal([['2026-03', 'WI-1', 'reaction', 'breached', 'met']]);
  });

  it('leaves out issues created outside the months asked', () => {
    const report = compare(WITH_FILES.reaction8h, [ISSUES.fiveHours, ISSUES.beforeEasterSlow], ['2026-04', 1]);
    expect(report.issues).to.equal(1);
    expect(report.perMonth.map((month) => month.month)).to.deep.equal(['2026-04']);
  });

  it('the unchanged contract file yields identical sides', () => {
    const report = compare(WITH_FILES.unchanged, Object.values(ISSUES));
    expect(report.issues).to.equal(4);
    for (const month of [...report.perMonth, report.total]) {
      expect(month.rows.length, month.month).to.be.above(0);
      for (const row of month.rows) expect(row.after, `${month.month} ${row.priority} ${row.metric}`).to.deep.equal(row.before);
      expect([month.changed, month.deadlinesMoved]).to.deep.equal([0, 0]);
    }
    expect(report.changes).to.deep.equal([]);
  });
});

describe('what-if: the file', () => {
  const refusal = (text: string): string[] => {
    try {
      applyWhatIfFile(text, 'what-if.yaml', contract, config.calendars, {});
    } catch (error) {
      if (error instanceof ConfigError) return error.message.split('\n');
      throw error;
    }
    throw new Error('the file was accepted');
  };
  const cases: { name: string; text: string; message: string }[] = [
    { name: 'neither a contract nor a calendar', text: 'owner: someone\nnotes: [a]\n', message: 'what-if.yaml: is neither a contract (keys customer, covers, policies, …) nor a calendar (keys zone, hours, …); it has owner, notes' },
    { name: 'not a mapping', text: '- a\n- b\n', message: 'what-if.yaml: is neither a contract nor a calendar: expected a mapping of keys such as customer, covers, policies (a contract) or zone, hours (a calendar)' },
    { name: 'not YAML', text: 'policies: [reaction\n', message: 'what-if.yaml: invalid YAML' },
    { name: 'a contract with a bad duration', text: WITH_FILES.reaction8h.replace('P2: 8h', 'P2: 8 hourz'), message: 'what-if.yaml: policies.reaction.P2: "8 hourz" is not a duration' },
    { name: 'another contract', text: WITH_FILES.reaction8h.replace('id: whatif-test', 'id: someone-else'), message: 'what-if.yaml: id: is "someone-else": a what-if file changes the contract asked about, "whatif-test" (leave id out or make it whatif-test) (line 2)' },
    { name: 'a contract naming an unknown calendar', text: WITH_FILES.reaction8h.replace('calendar: nl-office', 'calendar: moon-office'), message: 'what-if.yaml: calendar: unknown calendar "moon-office" (known: nl-24x7, nl-office) (line 4)' },
    { name: 'a calendar the contract does not use', text: ALWAYS_CALENDAR, message: 'what-if.yaml: id: contract whatif-test uses no calendar "nl-24x7" (it uses nl-office) (line 1)' },
    { name: 'a calendar with a bad zone', text: WITH_FILES.longerHours.replace('zone: Europe/Amsterdam', 'zone: Mars/Olympus'), message: 'what-if.yaml: zone:' },
    { name: 'a calendar with a misspelt key', text: `${WITH_FILES.longerHours}holidayz: []\n`, message: 'what-if.yaml: holidayz: is not a known setting (misspelt?)' },
  ];
  for (const entry of cases) {
    it(`refuses ${entry.name}, naming the file and path`, () => {
      const lines = refusal(entry.text);
      expect(lines.some((line) => line.startsWith(entry.message)), lines.join('\n')).to.equal(true);
    });
  }

  it('a calendar without an id replaces the contract\'s own calendar', () => {
    const changed = applyWhatIfFile(WITH_FILES.longerHours.replace('id: nl-office\n', ''), 'what-if.yaml', contract, config.calendars, {});
    expect([changed.kind, changed.id, changed.contract.calendar.id]).to.deep.equal(['calendar', 'nl-office', 'nl-office']);
    expect(changed.contract.calendar).to.not.equal(contract.calendar);
  });
});
