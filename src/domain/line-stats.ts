/**
 * Per support line: how many handovers it got, how fast it reacted (median and 90th percentile
 * business time of the handovers it reacted to) and how many breached its handover target. A
 * handover is one cycle of the line's `handover-<line>` metric. A breach is a cycle whose time went
 * past the target: reacted late, still waiting past its deadline, or handed on (cancelled) only
 * after the target had passed, which is what an escalation to the next line does.
 */
import type { ConditionMetricStatus, CycleSummary } from './condition-engine.js';
import type { Contract } from './contract.js';
import type { IssueSla } from './sla-clock.js';

export interface LineStats {
  readonly line: string;
  readonly members: readonly string[];
  /** Whether the line has a handover target; a line without one is only a group and counts nothing. */
  readonly measured: boolean;
  readonly handovers: number;
  /** Handovers a member reacted to (on time or late). */
  readonly reacted: number;
  readonly breaches: number;
  /** Handed on to someone outside the line before a member reacted. */
  readonly handedOn: number;
  /** Still waiting for a reaction. */
  readonly open: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

type Percentile = (sorted: readonly number[], p: number) => number | null;
type Covered = Extract<IssueSla, { covered: true }>;

interface Handover {
  readonly cycle: CycleSummary;
  /** Past its target, by the clock of its own status. */
  readonly late: boolean;
}

function handoversOf(status: ConditionMetricStatus): Handover[] {
  const targetMs = status.target?.ms;
  const late = (elapsedMs: number) => targetMs !== undefined && elapsedMs > targetMs;
  const earlier = (status.cycles ?? []).map((cycle) => ({ cycle, late: late(cycle.elapsedMs) }));
  if (status.state === 'not_started' || status.state === 'not_applicable' || status.startedAt === undefined) return earlier;
  const elapsedMs = status.elapsedMs ?? 0;
  const outcome: CycleSummary['outcome'] = status.state === 'cancelled' ? 'cancelled' : status.metAt !== undefined ? (status.state === 'breached' ? 'breached' : 'met') : 'open';
  const latest = { startedAt: status.startedAt, endedAt: status.metAt ?? null, outcome, elapsedMs };
  return [...earlier, { cycle: latest, late: status.state === 'breached' || late(elapsedMs) }];
}

/**
 * The line the issue is with now: the first of the contract's lines its assignee is a member of
 * (a listed user or in one of its tracker groups); else, for an issue that is with a line by its
 * component, the first line whose handover is waiting for a reaction.
 */
export function currentLine(contract: Contract | undefined, sla: IssueSla): string | undefined {
  if (!sla.covered || !contract?.lines) return undefined;
  const assignee = sla.assignee?.toLowerCase();
  if (assignee) for (const [line, members] of contract.lines) if (members.has(assignee)) return line;
  for (const line of contract.lineComponents?.keys() ?? []) {
    const status = sla.custom?.find((metric) => metric.metric === `handover-${line}`);
    if (status && status.startedAt !== undefined && status.metAt === undefined && (status.state === 'running' || status.state === 'paused' || status.state === 'breached')) return line;
  }
  return undefined;
}

export function lineStats(contract: Contract, issues: readonly { readonly sla: Covered }[], percentile: Percentile): LineStats[] {
  const measured = new Set((contract.customMetrics ?? []).map((metric) => metric.name));
  return [...(contract.supportLines?.values() ?? [])].map((line) => {
    const metric = `handover-${line.name}`;
    const handovers = issues.flatMap(({ sla }) => (sla.custom ?? []).filter((status) => status.metric === metric).flatMap(handoversOf));
    const reacted = handovers.filter(({ cycle }) => cycle.outcome === 'met' || cycle.outcome === 'breached');
    const times = reacted.map(({ cycle }) => cycle.elapsedMs).sort((a, b) => a - b);
    return {
      line: line.name,
      members: [...line.members, ...(line.groups ?? []).map((group) => `group:${group}`)],
      measured: measured.has(metric),
      handovers: handovers.length,
      reacted: reacted.length,
      breaches: handovers.filter(({ late }) => late).length,
      handedOn: handovers.filter(({ cycle }) => cycle.outcome === 'cancelled').length,
      open: handovers.filter(({ cycle }) => cycle.outcome === 'open').length,
      medianMs: percentile(times, 0.5),
      p90Ms: percentile(times, 0.9),
    };
  });
}

export type LineStatsSection = { readonly supportLines?: readonly LineStats[] };

/** The report's section: absent for a contract without lines. */
export function lineStatsReport(contract: Contract, issues: readonly { readonly sla: Covered }[], percentile: Percentile): LineStatsSection {
  return contract.supportLines && contract.supportLines.size > 0 ? { supportLines: lineStats(contract, issues, percentile) } : {};
}
