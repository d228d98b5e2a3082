/**
 * Properties of the what-if comparison over generated issue histories (test/support/event-histories.ts:
 * every event type, pauses, restatements, repeats, priority changes) on the acme-support test
 * contract: the contract's own file changes nothing; longer targets never turn a met metric into a
 * breached one; and each side's `all` row is the sum of its priorities' rows.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { applyWhatIfFile } from '../src/config/what-if-file.js';
import { runClock } from '../src/domain/sla-clock.js';
import { WhatIfTally, type WhatIfCell, type WhatIfReport } from '../src/domain/what-if-report.js';
import { projectRoot } from '../src/project-root.js';
import { issueLog } from './support/event-histories.js';
import { at } from './what-if/what-if-cases.js';

const dir = path.join(projectRoot(), 'test/fixtures/clock-config');
const config = loadBridgeConfig(dir, {}, { sources: false });
const contract = config.contracts.get('acme-support')!;
const TEXT = readFileSync(path.join(dir, 'contracts/acme-support.yaml'), 'utf8');
const LONGER = TEXT.replace('reaction: { P1: 1h, P2: 4h, P3: 1d, P4: 2d }', 'reaction: { P1: 2h, P2: 8h, P3: 2d, P4: 4d }').replace('resolution: { P1: 8h, P2: 2d, P3: 5d, P4: none }', 'resolution: { P1: 16h, P2: 4d, P3: 2w, P4: none }');
const BASE = at('2026-03-02T08:00');
const NOW = BASE + 40 * 24 * 3_600_000;

function compare(text: string, logs: readonly (readonly Parameters<typeof runClock>[0]['events'][number][])[]): WhatIfReport {
  const changed = applyWhatIfFile(text, 'acme-support.yaml', contract, config.calendars, {});
  const tally = new WhatIfTally({ contract: contract.id, customer: contract.customer, zone: contract.calendar.zone, months: ['2026-03'], with: { kind: changed.kind, id: changed.id, file: 'acme-support.yaml' }, computedAt: NOW, metrics: ['reaction', 'resolution'] });
  logs.forEach((events, index) => {
    const history = { source: 'jira-demo', events };
    const before = runClock(history, [contract], NOW);
    if (!before.covered) return;
    tally.add({ source: 'jira-demo', issue: { key: `ACME-${index}` }, createdAt: before.createdAt, before, after: runClock(history, [changed.contract], NOW) });
  });
  return tally.report();
}

const logs = fc.array(issueLog(BASE), { minLength: 1, maxLength: 8 });

describe('what-if properties', function () {
  this.timeout(120_000);

  it('the contract\'s own file gives both sides the same', () => {
    let compared = 0;
    fc.assert(
      fc.property(logs, (generated) => {
        const report = compare(TEXT, generated);
        compared += report.issues;
        for (const row of report.total.rows) expect(row.after).to.deep.equal(row.before);
        expect(report.changes).to.deep.equal([]);
        expect(report.total.deadlinesMoved).to.equal(0);
      }),
      { numRuns: 60 },
    );
    expect(compared, 'issues the contract covers among the generated ones').to.be.above(20);
  });

  it('longer targets never turn a met metric into a breached one, and met ones stay met', () => {
    let changed = 0;
    fc.assert(
      fc.property(logs, (generated) => {
        const report = compare(LONGER, generated);
        changed += report.changes.length;
        for (const change of report.changes) expect([change.before.state, change.after.state], `${change.key} ${change.metric}`).to.not.deep.equal(['met', 'breached']);
        for (const row of report.total.rows) expect(row.after.met, `${row.priority} ${row.metric}`).to.be.at.least(row.before.met);
      }),
      // About one generated set in 40 has an outcome the longer targets change: 60 runs found none
      // about one time in five, which left the property unshown; 400 miss with odds of about 1 in 25,000.
      { numRuns: 400 },
    );
    expect(changed, 'outcomes the longer targets changed').to.be.above(0);
  });

  it('each side\'s all row sums its priorities', () => {
    const sum = (cells: WhatIfCell[]) => cells.reduce((total, cell) => ({ met: total.met + cell.met, breached: total.breached + cell.breached, open: total.open + cell.open, notApplicable: total.notApplicable + cell.notApplicable }), { met: 0, breached: 0, open: 0, notApplicable: 0 });
    fc.assert(
      fc.property(logs, (generated) => {
        const report = compare(LONGER, generated);
        for (const metric of ['reaction', 'resolution']) {
          const rows = report.total.rows.filter((row) => row.metric === metric);
          const all = rows.find((row) => row.priority === 'all');
          if (!all) continue;
          for (const side of ['before', 'after'] as const) {
            const { met, breached, open, notApplicable } = all[side];
            expect({ met, breached, open, notApplicable }, `${metric} ${side}`).to.deep.equal(sum(rows.filter((row) => row.priority !== 'all').map((row) => row[side])));
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
