/**
 * Sends one due notification. Until chat channels are configured the console channel is the only
 * one: the message goes to the log, so a new user sees warnings at once.
 */
import type { Job } from 'bullmq';
import { toLocalIso } from '../domain/local-time.js';
import { formatMs } from '../domain/duration.js';
import type { IssueStore } from './issue-store.js';
import type { Logger } from './logger.js';
import type { DueNotification } from './sla-timers.js';

/** Timers fire within a second of their instant; later than that, the message says it is late. */
const LATE_AFTER_MS = 1_000;

export interface NotifyDeps {
  readonly store: IssueStore;
  readonly logger: Logger;
}

export function createNotifyProcessor(deps: NotifyDeps) {
  const log = deps.logger.child({ component: 'console-channel' });
  return async (job: Job<DueNotification>): Promise<string> => {
    const due = job.data;
    const state = await deps.store.loadState(due.source, due.issueId);
    if (!state?.sla.covered) return 'issue no longer covered';
    const status = state.sla.metrics.find((metric) => metric.metric === due.metric);
    const lateMs = due.firedAt - due.at;
    const text = [
      `SLA ${due.kind} (${due.label}) ${due.metric}: ${state.issue.key} ${state.issue.title ?? ''}`.trim(),
      `customer ${state.sla.customer}, contract ${state.sla.contract}, ${state.sla.priority.effective} (${state.sla.priority.reason})`,
      status?.deadline != null ? `deadline ${toLocalIso(status.deadline, status.zone)}, ${formatMs(status.remainingMs ?? 0)} business time left` : '',
      lateMs > LATE_AFTER_MS ? `sent ${formatMs(lateMs)} late` : '',
    ]
      .filter(Boolean)
      .join(' | ');
    log.info(text, { notification: due.id, issue: state.issue.key, metric: due.metric, threshold: due.label });
    return text;
  };
}
