/**
 * Which open deadlines a feed shows, and what each says: pure, from the issues' saved SLA states.
 * An open deadline is a metric of an open, covered issue that is not met and has a deadline (a
 * paused clock has none, so it leaves the calendar until it runs again).
 */
import type { Metric } from '../../domain/metric.js';
import type { MetricStatus } from '../../domain/metric-status.js';
import type { IssueState } from '../store/issue-store.js';

/** Which issues a feed takes: those of one contract, or those assigned to one of a set of people. */
export interface FeedFilter {
  readonly contract?: string;
  readonly assignees?: ReadonlySet<string>;
}

export interface FeedAlarm {
  /** The bridge's own label of the notification: `50%`, `2h before`, `breach`. */
  readonly label: string;
  readonly at: number;
}

export interface DeadlineEvent {
  readonly source: string;
  readonly issueId: string;
  readonly metric: Metric;
  /** Stable for the issue's metric, whatever changes, so clients update the event in place. */
  readonly uid: string;
  readonly summary: string;
  readonly description: string;
  readonly url: string | undefined;
  readonly deadline: number;
  /** The zone of the calendar the deadline is kept in. */
  readonly zone: string;
  readonly alarms: readonly FeedAlarm[];
}

const METRIC_NAMES: Record<Metric, string> = { reaction: 'reaction', response: 'response', resolution: 'resolution' };

/** `<source>.<issue id>.<metric>@sla-bridge`, the ids percent-encoded (a Gitea id is `owner/repo#7`). */
export function deadlineUid(source: string, issueId: string, metric: Metric): string {
  return `${encodeURIComponent(source)}.${encodeURIComponent(issueId)}.${metric}@sla-bridge`;
}

function isOpenDeadline(status: MetricStatus): status is MetricStatus & { deadline: number } {
  return status.metAt === undefined && typeof status.deadline === 'number' && (status.state === 'running' || status.state === 'breached');
}

/**
 * The warnings the bridge will send for the metric, at the instants its timers fire (the same
 * `warnings[].at` that ../../domain/timer-plan.ts plans from), and the breach at the deadline:
 * those still to come when the state was computed. Each timer recomputes the state at its instant,
 * so a passed alarm leaves the feed with the next update; a client that keeps a subscribed feed's
 * past alarms (Thunderbird) would show it again as missed on every refresh.
 */
function alarmsOf(status: MetricStatus & { deadline: number }, computedAt: number): FeedAlarm[] {
  const warnings = (status.warnings ?? []).flatMap((warning) => (warning.at === null ? [] : [{ label: warning.label, at: warning.at }]));
  return [...warnings, { label: 'breach', at: status.deadline }].filter((alarm) => alarm.at > computedAt).sort((a, b) => a.at - b.at || a.label.localeCompare(b.label));
}

export function deadlineEvents(states: readonly IssueState[], filter: FeedFilter): DeadlineEvent[] {
  const events: DeadlineEvent[] = [];
  for (const state of states) {
    const sla = state.sla;
    if (!sla.covered || sla.resolved || sla.deleted) continue;
    if (filter.contract !== undefined && sla.contract !== filter.contract) continue;
    if (filter.assignees && (sla.assignee === null || !filter.assignees.has(sla.assignee))) continue;
    const { key, title, url } = state.issue;
    for (const status of sla.metrics) {
      if (!isOpenDeadline(status)) continue;
      const metric = METRIC_NAMES[status.metric];
      const overdue = status.state === 'breached' ? ' (overdue)' : '';
      const facts = [
        `${metric[0]!.toUpperCase()}${metric.slice(1)} deadline of ${key} (${status.priority}, contract ${sla.contract}${status.target ? `, target ${status.target.text}` : ''})${overdue}.`,
        ...(title ? [title] : []),
        ...(sla.assignee ? [`Assignee: ${sla.assignee}`] : []),
        ...(url ? [url] : []),
      ];
      events.push({
        source: state.source,
        issueId: state.issue.id,
        metric: status.metric,
        uid: deadlineUid(state.source, state.issue.id, status.metric),
        summary: `${key} ${metric}${overdue}${title ? `: ${title}` : ''}`,
        description: facts.join('\n'),
        url,
        deadline: status.deadline,
        zone: status.zone,
        alarms: alarmsOf(status, state.computedAt),
      });
    }
  }
  return events.sort((a, b) => a.deadline - b.deadline || a.uid.localeCompare(b.uid));
}
