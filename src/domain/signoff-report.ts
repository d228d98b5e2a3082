/** The monthly report's sign-off section: how soon customers confirmed the month's resolutions, and how many were reopened. */
import type { Contract } from './contract.js';
import { formatDuration } from './duration.js';
import type { IssueSla } from './sla-clock.js';

export interface SignoffSection {
  /** Issues of the month resolved and confirmed. */
  readonly confirmed: number;
  /** Resolved and still waiting for the customer. */
  readonly awaiting: number;
  /** Confirmed late or still waiting past `within`; null without a target. */
  readonly overdue: number | null;
  readonly target: string | null;
  /** Issues reopened at least once, and reopenings in all. */
  readonly reopenedIssues: number;
  readonly reopenings: number;
  /** Business time from resolution to confirmation, over the confirmed ones. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

type Percentile = (sorted: readonly number[], p: number) => number | null;

/** `{ signoff }` to spread into the report, or nothing for a contract that does not measure it. */
export function signoffReport(contract: Contract, inMonth: readonly { readonly sla: Extract<IssueSla, { covered: true }> }[], percentile: Percentile): { signoff?: SignoffSection } {
  if (!contract.signoff) return {};
  const statuses = inMonth.flatMap((entry) => (entry.sla.signoff ? [entry.sla.signoff] : []));
  const times = statuses.filter((status) => status.state === 'confirmed').map((status) => status.elapsedMs!).sort((a, b) => a - b);
  return {
    signoff: {
      confirmed: times.length,
      awaiting: statuses.filter((status) => status.state === 'awaiting').length,
      overdue: contract.signoff.within ? statuses.filter((status) => status.overdue === true).length : null,
      target: contract.signoff.within ? formatDuration(contract.signoff.within) : null,
      reopenedIssues: statuses.filter((status) => status.reopened > 0).length,
      reopenings: statuses.reduce((sum, status) => sum + status.reopened, 0),
      medianMs: percentile(times, 0.5),
      p90Ms: percentile(times, 0.9),
    },
  };
}
