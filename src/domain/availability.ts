/**
 * Availability against a monthly uptime target (Open2Bizz 3.3: 99.9%). The bridge probes nothing:
 * incidents of the configured priority are the downtime, from their creation until they are
 * resolved or show a "service restored" status, or from and to the instants the tracker's "down since"
 * and "service restored" fields state where the contract names them. Downtime is wall-clock time, not business time: a
 * service is down at night too. Overlapping incidents count once (their union), a month is its
 * real length in the contract's zone (28 to 31 days, 743 or 745 hours in the months the clocks
 * change), and an outage is cut at the month's edges.
 */
import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';
import { fieldInstant } from './field-instant.js';
import { applyFacts, type IssueFacts } from './issue-facts.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import type { Priority } from './priority.js';

export interface AvailabilityRule {
  /** Percent of the month the service must be up, e.g. 99.9. */
  readonly targetPercent: number;
  /** The priority whose incidents are outages (P1: total loss of the service). */
  readonly priority: Priority;
  /** Lower-cased statuses that say the service is back before the incident is resolved. */
  readonly restoredStatuses: ReadonlySet<string>;
  /** Shares of the month's downtime budget left at which to warn, e.g. 0.5 and 0, highest first. */
  readonly warnAt: readonly number[];
  /** Watched custom fields (the sources' `fields:` names) stating when the service went down and came back. */
  readonly downSinceField?: string | undefined;
  readonly restoredField?: string | undefined;
}

/** What an incident's log is read with: the restored statuses, the stated-instant fields and the zone that reads them. */
export type OutageRule = Pick<AvailabilityRule, 'restoredStatuses' | 'downSinceField' | 'restoredField'>;

/** `[from, to)`; `to` null while the service is still down. */
export interface Outage {
  readonly from: Instant;
  readonly to: Instant | null;
}

export function monthSpan(month: string, zone: string): { readonly from: Instant; readonly until: Instant } {
  const start = DateTime.fromISO(`${month}-01`, { zone });
  if (!start.isValid) throw new RangeError(`"${month}" is not a month in zone ${zone}`);
  return { from: start.toMillis(), until: start.plus({ months: 1 }).toMillis() };
}

export function monthOf(at: Instant, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat('yyyy-MM');
}

/** The downtime the month allows: its length times the share the target leaves. */
export function budgetMs(targetPercent: number, from: Instant, until: Instant): number {
  return ((until - from) * (100 - targetPercent)) / 100;
}

/**
 * An incident's outages from its log: down from creation (or a reopening) until resolved or
 * restored; a stated "down since" moves the first outage's start (an outage noticed hours after it
 * began), a stated "service restored" ends the outage it falls in. A stated instant that fits no
 * outage (restored before the outage began) is ignored rather than guessed at.
 */
export function outagesOf(events: readonly IssueEvent[], rule: OutageRule, zone: string): Outage[] {
  const facts = { resolved: false, deleted: false, status: '', fields: {} } as unknown as IssueFacts;
  let outages: Outage[] = [];
  let downSince: Instant | null = null;
  let created = false;
  for (const event of inEventOrder(events)) {
    applyFacts(facts, event);
    if (event.type === 'created') created = true;
    if (!created) continue;
    const down = !facts.resolved && !facts.deleted && !rule.restoredStatuses.has(facts.status.toLowerCase());
    if (down && downSince === null) downSince = event.at;
    if (!down && downSince !== null) {
      if (event.at > downSince) outages.push({ from: downSince, to: event.at });
      downSince = null;
    }
  }
  if (downSince !== null) outages.push({ from: downSince, to: null });
  const stated = (field: string | undefined) => (field === undefined ? undefined : fieldInstant(facts.fields[field], zone));
  const wentDown = stated(rule.downSinceField);
  const first = outages[0];
  if (wentDown !== undefined && first && (first.to === null || wentDown < first.to)) outages = [{ from: wentDown, to: first.to }, ...outages.slice(1)];
  const cameBack = stated(rule.restoredField);
  if (cameBack !== undefined) outages = outages.map((outage) => (outage.from <= cameBack && (outage.to === null || cameBack < outage.to) ? { from: outage.from, to: cameBack } : outage));
  return outages.filter((outage) => outage.to === null || outage.to > outage.from);
}

/** The outages cut to [from, until), open ones running to `end`, merged where they overlap or touch, in order. */
export function mergedIntervals(outages: readonly Outage[], from: Instant, until: Instant, end: Instant): [Instant, Instant][] {
  const cut = outages
    .map((outage): [Instant, Instant] => [Math.max(from, outage.from), Math.min(until, outage.to ?? end)])
    .filter(([start, stop]) => stop > start)
    .sort((a, b) => a[0] - b[0]);
  const merged: [Instant, Instant][] = [];
  for (const [start, stop] of cut) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], stop);
    else merged.push([start, stop]);
  }
  return merged;
}

/** Downtime in [from, until) as of `now`: the union of the outages, open ones counted until `now`. */
export function downtimeMs(outages: readonly Outage[], from: Instant, until: Instant, now: Instant): number {
  return mergedIntervals(outages, from, Math.min(until, now), now).reduce((sum, [start, stop]) => sum + stop - start, 0);
}

/**
 * When the downtime of [from, until) reaches `thresholdMs`, the open outages going on: an instant
 * already past, one to come while an outage is open, or null when it is not reached in the month.
 */
export function reachesAt(outages: readonly Outage[], from: Instant, until: Instant, now: Instant, thresholdMs: number): Instant | null {
  const pastNow = outages.map((outage) => (outage.to === null ? outage : { from: outage.from, to: Math.min(outage.to, now) }));
  let sum = 0;
  for (const [start, stop] of mergedIntervals(pastNow, from, until, until)) {
    if (sum + (stop - start) >= thresholdMs) return start + Math.max(0, thresholdMs - sum);
    sum += stop - start;
  }
  return null;
}

export interface MonthAvailability {
  readonly month: string;
  readonly targetPercent: number;
  readonly monthMs: number;
  readonly budgetMs: number;
  readonly downtimeMs: number;
  /** Up share of the whole month so far, in percent, to three decimals. */
  readonly availabilityPercent: number;
  /** Budget minus downtime; negative once the target is missed. */
  readonly remainingMs: number;
  readonly met: boolean;
}

export function monthAvailability(rule: Pick<AvailabilityRule, 'targetPercent'>, month: string, zone: string, outages: readonly Outage[], now: Instant): MonthAvailability {
  const { from, until } = monthSpan(month, zone);
  const down = downtimeMs(outages, from, until, now);
  const budget = budgetMs(rule.targetPercent, from, until);
  return {
    month,
    targetPercent: rule.targetPercent,
    monthMs: until - from,
    budgetMs: budget,
    downtimeMs: down,
    availabilityPercent: Math.round((100_000 * (until - from - down)) / (until - from)) / 1000,
    remainingMs: budget - down,
    met: down <= budget,
  };
}

/** The downtime at which the budget left falls to `share` of it. */
export function warningThresholdMs(budget: number, share: number): number {
  return budget * (1 - share);
}
