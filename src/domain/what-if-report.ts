/**
 * The what-if comparison: the same issues' SLA computed twice from their event logs, under the
 * contract as it is and under a changed one, summed per month, priority and metric, with the
 * issues whose outcome differs. Issues are added one at a time (`WhatIfTally.add`) so a caller can
 * stream a year of them without holding their logs. Metrics are compared by name, whatever the
 * contracts measure, so a metric one side measures and the other does not still gets its row.
 */
import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';
import { PRIORITIES } from './priority.js';
import type { IssueSla } from './sla-clock.js';
import type { MetricState, MetricStatus } from './metric-status.js';
import { percentile } from './sla-report.js';

/** What became of a metric: its clock's state, or why the issue has none under that side's contract. */
export type WhatIfState = MetricState | 'not_covered' | 'not_measured';

export interface WhatIfCell {
  readonly met: number;
  readonly breached: number;
  /** Running, paused or not started. */
  readonly open: number;
  readonly notApplicable: number;
  /** Met on time as a share of the decided ones, in percent (one decimal); null when none is decided. */
  readonly percentMet: number | null;
  /** Business time from the clock's start to meeting it, over the met ones (late ones too). */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface WhatIfRow {
  /** A priority, or `all` for the metric over every priority. */
  readonly priority: string;
  readonly metric: string;
  readonly before: WhatIfCell;
  readonly after: WhatIfCell;
}

export interface WhatIfOutcome {
  readonly state: WhatIfState;
  readonly priority: string | null;
  /** Null when the clock stopped before reaching it (met in time), or stands still before it. */
  readonly deadline: Instant | null;
  readonly metAt: Instant | null;
  readonly elapsedMs: number | null;
}

export interface WhatIfChange {
  readonly month: string;
  readonly source: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly metric: string;
  readonly before: WhatIfOutcome;
  readonly after: WhatIfOutcome;
}

export interface WhatIfMonth {
  readonly month: string;
  readonly issues: number;
  readonly rows: readonly WhatIfRow[];
  /** Metrics whose outcome differs (each is in `changes`). */
  readonly changed: number;
  /**
   * Metrics whose deadline moved, whether or not their outcome changed, among those that reached it
   * on both sides (a metric met in time has no deadline of its own: the clock stopped before it).
   */
  readonly deadlinesMoved: number;
}

export interface WhatIfReport {
  readonly contract: string;
  readonly customer: string;
  /** Months are in this zone: the contract's calendar as it is, for both sides alike. */
  readonly zone: string;
  readonly months: readonly string[];
  /** What the changed side changed: the file's kind and the contract or calendar id it replaces. */
  readonly with: { readonly kind: 'contract' | 'calendar'; readonly id: string; readonly file: string };
  /** Both sides are computed at this instant, so the file is the only difference. */
  readonly computedAt: Instant;
  readonly issues: number;
  readonly perMonth: readonly WhatIfMonth[];
  /** Every month together. */
  readonly total: WhatIfMonth;
  readonly changes: readonly WhatIfChange[];
}

export interface WhatIfIssue {
  readonly source: string;
  readonly issue: { readonly key: string; readonly title?: string | undefined; readonly url?: string | undefined };
  /** When the tracker says it was created: places it in a month. */
  readonly createdAt: Instant;
  readonly before: IssueSla;
  readonly after: IssueSla;
}

/** `count` consecutive months from `first` (YYYY-MM), with the instants that bound them in `zone`. */
export function monthRange(first: string, count: number, zone: string): { readonly months: string[]; readonly from: Instant; readonly until: Instant } {
  const start = DateTime.fromISO(`${first}-01`, { zone });
  const months = Array.from({ length: count }, (_, index) => start.plus({ months: index }).toFormat('yyyy-MM'));
  return { months, from: start.toMillis(), until: start.plus({ months: count }).toMillis() };
}

interface Counts {
  met: number;
  breached: number;
  open: number;
  notApplicable: number;
  times: number[];
}

const emptyCounts = (): Counts => ({ met: 0, breached: 0, open: 0, notApplicable: 0, times: [] });

function count(counts: Counts, status: MetricStatus): void {
  if (status.state === 'met') counts.met += 1;
  else if (status.state === 'breached') counts.breached += 1;
  else if (status.state === 'not_applicable') counts.notApplicable += 1;
  else counts.open += 1;
  if (status.metAt !== undefined && status.elapsedMs !== undefined) counts.times.push(status.elapsedMs);
}

function cell(counts: Counts | undefined): WhatIfCell {
  const { met, breached, open, notApplicable, times } = counts ?? emptyCounts();
  const sorted = [...times].sort((a, b) => a - b);
  return {
    met,
    breached,
    open,
    notApplicable,
    percentMet: met + breached > 0 ? Math.round((1000 * met) / (met + breached)) / 10 : null,
    medianMs: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
  };
}

function outcome(sla: IssueSla, metric: string): WhatIfOutcome {
  if (!sla.covered) return { state: 'not_covered', priority: null, deadline: null, metAt: null, elapsedMs: null };
  const status = sla.metrics.find((candidate) => candidate.metric === metric);
  if (!status) return { state: 'not_measured', priority: sla.priority.effective, deadline: null, metAt: null, elapsedMs: null };
  return { state: status.state, priority: status.priority, deadline: status.deadline ?? null, metAt: status.metAt ?? null, elapsedMs: status.elapsedMs ?? null };
}

const metricsOf = (sla: IssueSla): readonly MetricStatus[] => (sla.covered ? sla.metrics : []);

class MonthTally {
  issues = 0;
  changed = 0;
  deadlinesMoved = 0;
  /** By side, then `priority|metric`. */
  readonly cells = { before: new Map<string, Counts>(), after: new Map<string, Counts>() };

  addSide(side: 'before' | 'after', sla: IssueSla): void {
    const cells = this.cells[side];
    for (const status of metricsOf(sla)) {
      for (const priority of [status.priority, 'all']) {
        const key = `${priority}|${status.metric}`;
        let counts = cells.get(key);
        if (!counts) cells.set(key, (counts = emptyCounts()));
        count(counts, status);
      }
    }
  }

  merge(other: MonthTally): void {
    this.issues += other.issues;
    this.changed += other.changed;
    this.deadlinesMoved += other.deadlinesMoved;
    for (const side of ['before', 'after'] as const) {
      for (const [key, counts] of other.cells[side]) {
        const mine = this.cells[side].get(key) ?? emptyCounts();
        this.cells[side].set(key, { met: mine.met + counts.met, breached: mine.breached + counts.breached, open: mine.open + counts.open, notApplicable: mine.notApplicable + counts.notApplicable, times: [...mine.times, ...counts.times] });
      }
    }
  }

  finish(month: string, metricOrder: readonly string[]): WhatIfMonth {
    const keys = new Set([...this.cells.before.keys(), ...this.cells.after.keys()]);
    const metrics = [...new Set([...metricOrder, ...[...keys].map((key) => key.split('|')[1]!)])];
    const rows: WhatIfRow[] = [];
    for (const metric of metrics) {
      for (const priority of [...PRIORITIES, 'all']) {
        const key = `${priority}|${metric}`;
        if (!keys.has(key)) continue;
        rows.push({ priority, metric, before: cell(this.cells.before.get(key)), after: cell(this.cells.after.get(key)) });
      }
    }
    return { month, issues: this.issues, rows, changed: this.changed, deadlinesMoved: this.deadlinesMoved };
  }
}

export interface WhatIfFrame {
  readonly contract: string;
  readonly customer: string;
  readonly zone: string;
  readonly months: readonly string[];
  readonly with: WhatIfReport['with'];
  readonly computedAt: Instant;
  /** Metric names in the order the rows list them: the contract's, then the changed one's. */
  readonly metrics: readonly string[];
}

/** Adds up the issues of the months of `frame`, one issue at a time; `report()` when all are in. */
export class WhatIfTally {
  private readonly tallies = new Map<string, MonthTally>();
  private readonly changes: WhatIfChange[] = [];
  /** Where each month starts, and where the last ends: found by comparing instants, not by a time zone lookup per issue. */
  private readonly bounds: number[];

  constructor(private readonly frame: WhatIfFrame) {
    for (const month of frame.months) this.tallies.set(month, new MonthTally());
    const first = frame.months.length > 0 ? DateTime.fromISO(`${frame.months[0]}-01`, { zone: frame.zone }) : undefined;
    this.bounds = first ? frame.months.map((_, index) => first.plus({ months: index }).toMillis()).concat(first.plus({ months: frame.months.length }).toMillis()) : [];
  }

  /** Adds one issue; one created outside the months is left out (and answers false). */
  add(entry: WhatIfIssue): boolean {
    const index = this.bounds.findIndex((start, at) => at + 1 < this.bounds.length && entry.createdAt >= start && entry.createdAt < this.bounds[at + 1]!);
    const month = this.frame.months[index];
    const tally = month === undefined ? undefined : this.tallies.get(month);
    if (!tally || month === undefined) return false;
    tally.issues += 1;
    tally.addSide('before', entry.before);
    tally.addSide('after', entry.after);
    const metrics = new Set([...metricsOf(entry.before), ...metricsOf(entry.after)].map((status) => status.metric));
    for (const metric of metrics) {
      const before = outcome(entry.before, metric);
      const after = outcome(entry.after, metric);
      if (before.deadline !== null && after.deadline !== null && before.deadline !== after.deadline) tally.deadlinesMoved += 1;
      if (before.state === after.state) continue;
      tally.changed += 1;
      this.changes.push({ month, source: entry.source, key: entry.issue.key, title: entry.issue.title, url: entry.issue.url, metric, before, after });
    }
    return true;
  }

  report(): WhatIfReport {
    const total = new MonthTally();
    const perMonth = this.frame.months.map((month) => {
      const tally = this.tallies.get(month)!;
      total.merge(tally);
      return tally.finish(month, this.frame.metrics);
    });
    const order = new Map(this.frame.months.map((month, index) => [month, index]));
    const changes = [...this.changes].sort((a, b) => order.get(a.month)! - order.get(b.month)! || a.source.localeCompare(b.source) || a.key.localeCompare(b.key, 'en', { numeric: true }) || this.frame.metrics.indexOf(a.metric) - this.frame.metrics.indexOf(b.metric));
    const { metrics: _metrics, ...frame } = this.frame;
    return { ...frame, issues: total.issues, perMonth, total: total.finish(this.frame.months.length === 1 ? this.frame.months[0]! : `${this.frame.months[0]}..${this.frame.months[this.frame.months.length - 1]}`, this.frame.metrics), changes };
  }
}
