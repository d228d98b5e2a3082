/**
 * The bridge's pipeline, in the order work flows through it: every queue, the data of its jobs,
 * their ids and options. Each job's processor lives in its own file next to this one.
 *
 *   webhook ──▶ ingest ──▶ (apply: event log, SLA state) ──▶ timers ──▶ chat-<channel>
 *                                         │                      (notify: older versions' claims ──▶ chat)
 *                                         └──▶ write-back          reconcile ──▶ (apply)
 *                                                                  retention ──▶ (compacted logs)
 *
 * Ids are deterministic wherever a repeat must fold into one job: the same delivery accepted
 * twice, the same notification claimed by two workers, the same write-back asked for twice.
 */
import { createHash } from 'node:crypto';
import type { JobsOptions, WorkerOptions } from 'bullmq';
import type { ChatNotification } from '../../../connectors/chat/card-notification.js';
import type { ChatNotice } from '../../../connectors/chat/notice.js';
import type { DutyRouting } from './duty-routing.js';
import type { IssueRef } from '../../../connectors/connector.js';
import type { ShownFields } from '../../../connectors/shared/owned-fields.js';
import type { IssueEvent } from '../../domain/issue-event.js';
import type { NotificationKind } from '../../domain/timer-plan.js';

const DAY_S = 24 * 3600;

// ---------------------------------------------------------------------------------------------
// every worker: how the jobs of a worker that died come back

/**
 * A worker holds a lock per job it runs (`<job>:lock`, `lockDuration` ms) and renews it every
 * `lockDuration / 2`; a worker that dies stops renewing. Every `stalledInterval` one worker (of
 * any process) runs BullMQ's stalled check: it marks the active jobs, and a later check moves each
 * marked job whose lock is gone back to the queue (moveStalledJobsToWait: a renewal takes the mark
 * off). BullMQ's defaults (30 s and 30 s) give a dead worker's jobs back after 60-90 s; these give
 * them back at most 3 s after its last renewal plus a check or two, so within 5 s of a new worker
 * starting (which runs the check at once) or of the death, if other workers run. The chaos suite
 * (test/chaos/) measures it with real processes.
 *
 * The price of a short lock: a job whose worker cannot renew it for 1.5 s (renewal every 1.5 s,
 * lock 3 s: an event loop blocked that long, or Redis away longer) counts as stalled and runs again
 * elsewhere while the first run finishes. Every job is safe to run twice (idempotent writes,
 * deterministic ids, the issue locks), so that costs work, not correctness; the first run's finish
 * is then refused by BullMQ ("Missing lock") and only logged.
 *
 * `maxStalledCount`: how often one job may stall before BullMQ fails it. Each Redis outage longer
 * than the lock stalls every running job once, and a failed delivery is an accepted event never
 * applied, so 5 rather than BullMQ's 1; a job that kills its worker each time (a crash loop) still
 * ends, after five workers died on it.
 *
 * The issue locks (IssueStore.withIssueLock) use the same 3 s, renewed every second, so a dead
 * worker's jobs and its issues come back together.
 */
export const WORKER_RECOVERY = {
  lockDuration: 3_000,
  stalledInterval: 1_000,
  maxStalledCount: 5,
} as const satisfies Partial<WorkerOptions>;
const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

// ---------------------------------------------------------------------------------------------
// ingest: one job per accepted delivery; its worker applies the events to the issue

export const INGEST_QUEUE = 'sla-ingest';
export const DELIVERY_JOB = 'delivery';

export interface DeliveryJob {
  readonly sourceId: string;
  readonly deliveryId: string;
  readonly receivedAt: number;
  readonly issue: IssueRef;
  readonly events: readonly IssueEvent[];
  /** What the delivery showed of the fields write-back owns (absent when it showed none). */
  readonly shown?: ShownFields;
}

/**
 * The length of each queue's BullMQ event stream (what a QueueEvents listener reads: the bridge's
 * own code reads none, tests and someone debugging do): 1,000 entries, a few hundred jobs' worth,
 * instead of BullMQ's 10,000, which kept about 1.9 MB for the ingest and timer queues alone. Every
 * Queue the bridge makes passes it, since each writes it into the queue's meta on start.
 */
export const QUEUE_STREAMS = { events: { maxLen: 1_000 } } as const;

/** The same delivery added twice (two racing requests, a replay) is one job. */
export const deliveryJobId = (sourceId: string, deliveryId: string) => `delivery-${hash(sourceId, deliveryId).slice(0, 40)}`;

/**
 * A webhook's delivery, the one way in that is deduplicated for a window (../http/delivery-intake.ts):
 * its BullMQ deduplication id, the same for every arrival of the delivery (24 hex digits, 96 bits),
 * and its job id, a fresh random one for each arrival (64 bits: two arrivals may share a
 * millisecond, and a test clock stands still), so that the id the queue answers tells a first
 * arrival from a repeat. The deduplication mark holds that job id for the whole window, one per
 * delivery: short enough for a single small allocation in Redis.
 */
export const deliveryDedupId = (sourceId: string, deliveryId: string) => hash(sourceId, deliveryId).slice(0, 24);
export const arrivalJobId = (nonce: string) => `delivery-${nonce}`;

/**
 * A completed delivery job is kept only to look at (the dashboard, a test, someone debugging):
 * duplicates are caught by the delivery's dedup mark (../http/delivery-intake.ts) and by the event
 * ids in the issue's log, not by the job. The last 100, not 10,000 as once: each keeps the
 * delivery's events (about 2 kB), which made it the second biggest thing Redis held per issue.
 */
export const DELIVERY_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: DAY_S, count: 100 },
  removeOnFail: { age: 7 * DAY_S },
};

// ---------------------------------------------------------------------------------------------
// timers: one delayed job per (issue, metric) at its next warning, breach or escalation

export const TIMER_QUEUE = 'sla-timers';
export const TIMER_JOB = 'timer';

export interface TimerJob {
  readonly source: string;
  readonly issueId: string;
  /** A preset or a metric defined by conditions. */
  readonly metric: string;
  readonly label: string;
  /** The instant the notification is due, as planned. */
  readonly at: number;
}

/**
 * A timer job's data as stored: a tuple (source, issue, metric, label, instant) instead of the
 * named object, which repeated its field names in every pending job (one per open issue and
 * metric: Redis memory, issue 19). Jobs queued by earlier versions carry the object; both are read.
 */
export type StoredTimerJob = TimerJob | readonly [source: string, issueId: string, metric: string, label: string, at: number];

export const timerJobData = (timer: TimerJob): StoredTimerJob => [timer.source, timer.issueId, timer.metric, timer.label, timer.at];

export function timerOf(data: StoredTimerJob): TimerJob {
  if (!Array.isArray(data)) return data as TimerJob;
  const [source, issueId, metric, label, at] = data as readonly [string, string, string, string, number];
  return { source, issueId, metric, label, at };
}

/**
 * Timers fired at once per worker process (and notify jobs run at once): a timer spends most of
 * its time waiting on Redis round trips and on its issue's lock, not on the CPU, so many due at
 * one instant need many in flight to fire close to it. The issue lock keeps one per issue; the
 * chat queues keep the configured concurrency, which is what a chat service sees.
 */
export const TIMER_CONCURRENCY = 64;

/**
 * Deliveries applied at once by a `--role worker` process. Applying one is a series of short Redis
 * round trips, each awaited in turn, so with 8 in flight (the workers' concurrency) the process mostly waited on Redis:
 * 32 applied about half as many again a second, for less CPU per delivery, since Redis reads and
 * answers several jobs' commands at once (bench/results/apply-s32/). A `serve` keeps 8: there the
 * same event loop answers the webhooks, which 32 appliers crowded out. The issue lock still
 * applies one delivery per issue at a time.
 */
export const INGEST_CONCURRENCY = 32;

/**
 * A fresh id per plan: the job that is firing right now may still hold the previous one. 12 hex
 * digits of the hash of (source, issue, metric) and 6 random ones (72 bits between them). Kept
 * short because every pending timer stores it four times (its key, its options, the delayed set,
 * the plan), and so that the job's options stay within Redis's `hash-max-listpack-value` (64
 * bytes): past it the job's hash takes the dict encoding, about 400 bytes more per open issue.
 * Earlier versions' ids (`timer-<32 hex>-<8 hex>`) stay valid: the plan records whole ids.
 */
export const timerJobId = (source: string, issueId: string, metric: string, plan: string) => `t-${hash(source, issueId, metric).slice(0, 12)}-${plan.slice(0, 6)}`;

/**
 * What each timer job carries: attempts only. Its retention is the timer workers' (TIMER_KEEP_JOBS)
 * and the wait between attempts the processor's (TIMER_RETRY_DELAY_MS, ./fire-timer.ts), not each
 * job's: options are stored in every pending job (see timerJobId). Jobs queued by earlier versions
 * carry their own retention and backoff (the same values), which BullMQ prefers.
 */
export const TIMER_JOB_OPTIONS: JobsOptions = { attempts: 5 };

/** The wait before a failed timer's next attempt: doubled per attempt, as the backoff jobs once carried. */
export const TIMER_RETRY_DELAY_MS = 200;

export const TIMER_KEEP_JOBS = {
  removeOnComplete: { count: 0 },
  removeOnFail: { age: 7 * DAY_S },
} as const;

// ---------------------------------------------------------------------------------------------
// notify: the claim a fired timer handed over, exactly one per (issue, metric, threshold), in
// versions before this one; this one's timers route their claims to the chat queues themselves
// (./fire-timer.ts), and the queue only drains what an earlier version left in it

export const NOTIFY_QUEUE = 'sla-notify';
export const NOTIFY_JOB = 'notify';

export interface DueNotification {
  readonly id: string;
  readonly source: string;
  readonly issueId: string;
  readonly metric: string;
  readonly kind: NotificationKind;
  readonly label: string;
  readonly at: number;
  readonly firedAt: number;
  readonly skipped: readonly string[];
  /** The instant of the earliest skipped one (absent in claims made before it was recorded). */
  readonly skippedSince?: number;
  /** A later cycle of a metric that restarts: where its sent marks are kept (./cycle-sent.ts). */
  readonly sentAs?: string;
}

/** The claim's id, the first part of its chat jobs' ids (and an earlier version's notify job's): what makes a notification happen once. */
export const notificationId = (source: string, issueId: string, metric: string, label: string) => `notify-${hash(source, issueId, metric, label).slice(0, 32)}`;

/** Kept for a month after sending, so that a late duplicate claim still finds its id taken. */
export const NOTIFY_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 30 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

// ---------------------------------------------------------------------------------------------
// chat: one queue per channel, one message per (notification, channel), held through the channel's
// quiet hours. A channel's own worker sends one HTTP attempt per run; a failure that may pass
// waits as a delayed retry of the job, not inside a worker, so a failing or hanging channel holds
// up none but its own messages. A 429 (or any Retry-After) pauses the whole channel queue.

/** The family's name: `sla-chat-<channel id>` per channel. `sla-chat` itself is only drained of jobs queued by older versions. */
export const CHAT_QUEUE = 'sla-chat';
export const CHAT_JOB = 'send';

export interface ChatJob {
  readonly channelId: string;
  /** An issue's SLA message, or an hours card message (connectors/chat/card-notification.ts). */
  readonly notification: ChatNotification;
  /** The team whose person on duty the message names (./duty-routing.ts). */
  readonly duty?: DutyRouting;
}

/**
 * A notice about a contract (its term ending, ./contract-term.ts) in a channel's queue, next to the
 * SLA messages and sent the same way; its job id is the notice's id and the channel's.
 */
export interface ChatNoticeJob {
  readonly channelId: string;
  readonly notice: ChatNotice;
  readonly duty?: DutyRouting;
}
export const CHAT_NOTICE_JOB = 'notice';

/** A queue name may not contain ':' (BullMQ's key separator); a channel id, from a file name or `id:`, might. */
export const chatQueueName = (channelId: string) => `${CHAT_QUEUE}-${encodeURIComponent(channelId)}`;

/** Unique within a channel's queue, and the same on every path: a notification is sent once per channel. */
export const chatJobId = (notificationId: string, channelId: string) => `${notificationId}-${channelId}`;

/** The backoff type of chat jobs; the chat workers' strategy (./chat-retry.ts) computes it. */
export const CHAT_BACKOFF = 'chat-retry';

export interface ChatRetryPolicy {
  /** The first retry waits between half this and this; each further one twice as long (`factor`). */
  readonly baseDelayMs: number;
  readonly factor: number;
  /** No backoff exceeds this. */
  readonly maxDelayMs: number;
  /** A longer Retry-After is shortened to this: a server cannot park a channel for hours. */
  readonly maxRetryAfterMs: number;
}

/**
 * Ten attempts: nine retries in windows of 2, 4, … 256 s and then 5 min, each wait at least half
 * its window, so 6¾ to 13½ minutes in all. A chat service's short outage is ridden out; a longer
 * one ends in dead letters, which can be replayed.
 */
export const CHAT_RETRY: ChatRetryPolicy = { baseDelayMs: 2_000, factor: 2, maxDelayMs: 5 * 60_000, maxRetryAfterMs: 10 * 60_000 };

export const CHAT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: CHAT_BACKOFF },
  removeOnComplete: { age: 30 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

/** Where the chat queues in use are listed (a set of queue names), so that a removed channel's queue is still drained. */
export const chatQueueSetKey = (prefix: string) => `${prefix}:chat-queues`;

// ---------------------------------------------------------------------------------------------
// write-back: the tracker's fields brought up to what the issue's state shows

export const WRITE_BACK_QUEUE = 'sla-write-back';
export const WRITE_BACK_JOB = 'write-back';

export interface WriteBackJob {
  readonly source: string;
  readonly issueId: string;
}

/**
 * Keyed by what should be shown and by what a delivery just showed of the owned fields: repeats
 * fold, and someone's edit of them gets a job of its own.
 */
export const writeBackJobId = (source: string, issueId: string, desired: string, shownText: string) => `wb-${hash(source, issueId, desired, shownText).slice(0, 40)}`;

export const WRITE_BACK_JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { age: 7 * DAY_S } };

// ---------------------------------------------------------------------------------------------
// reconcile: one job scheduler per source with `reconcile.every`

export const RECONCILE_QUEUE = 'sla-reconcile';
export const RECONCILE_JOB = 'reconcile';

export interface ReconcileJob {
  readonly sourceId: string;
}

export const reconcileSchedulerId = (sourceId: string) => `reconcile:${sourceId}`;

export const RECONCILE_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

// ---------------------------------------------------------------------------------------------
// retention: one job scheduler compacting the event logs of issues closed long enough (bridge.yaml)

export const RETENTION_QUEUE = 'sla-retention';
export const RETENTION_JOB = 'compact';

/** The settings come from the config of the worker that runs it. */
export type RetentionJob = Record<string, never>;

export const RETENTION_SCHEDULER_ID = 'retention';

export const RETENTION_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } };

// ---------------------------------------------------------------------------------------------
// hours: warnings about a contract's hours card, one job per (contract, purchase, level), and the
// delayed approval timers, one per (call, booked hours); their processor (../hours/hours-jobs.ts)
// hands each on to the chat queues like notify does.

export const HOURS_QUEUE = 'sla-hours';
export const CARD_WARNING_JOB = 'card-warning';
export const APPROVAL_TIMER_JOB = 'approval-timer';

export interface CallRef {
  readonly source: string;
  readonly issueId: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
}

export interface CardWarningJob {
  readonly contract: string;
  readonly purchase: string;
  readonly level: string;
  readonly balanceSeconds: number;
  /** The call whose charge brought the balance to the level. */
  readonly call: CallRef & { readonly rawSeconds: number; readonly billedSeconds: number };
  readonly firedAt: number;
}

/** Once per (contract, purchase, level): a new purchase lets each level warn again. */
export const cardWarningId = (contract: string, purchase: string, level: string) => `card-${hash(contract, purchase, level).slice(0, 32)}`;

export interface ApprovalTimerJob {
  readonly contract: string;
  readonly callId: string;
  /** Since when the call's hours wait for approval: the timer is for this wait only. */
  readonly since: number;
  /** The instant the wait passes the contract's `approval.warn_after`, in business time. */
  readonly dueAt: number;
  readonly call: CallRef & { readonly rawSeconds: number; readonly billedSeconds: number };
}

/** One timer per (call, wait): a new booking starts a new wait and a new timer. */
export const approvalTimerId = (contract: string, callId: string, since: number) => `approval-${hash(contract, callId, String(since)).slice(0, 32)}`;

export type HoursJob = CardWarningJob | ApprovalTimerJob;

export const HOURS_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 30 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

// ---------------------------------------------------------------------------------------------
// contract term: one delayed job per (contract, end date, lead), planned at start and on every
// reload, a notice to the contract's breach channels (the managers) when it fires

export const CONTRACT_TERM_QUEUE = 'sla-contract-term';
export const CONTRACT_TERM_JOB = 'term-warning';

export interface ContractTermJob {
  readonly contractId: string;
  readonly validUntil: string;
  /** The lead as written (`8w`). */
  readonly lead: string;
}

/** The same warning planned by every worker, at every start and reload, is one job. */
export const contractTermJobId = (contractId: string, validUntil: string, lead: string) => `term-${hash(contractId, validUntil, lead).slice(0, 40)}`;

/** Where a sent warning is remembered for good: completed jobs are removed after a year. */
export const contractTermSentKey = (prefix: string, jobId: string) => `${prefix}:contract-term-sent:${jobId}`;

export const CONTRACT_TERM_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 366 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

// ---------------------------------------------------------------------------------------------
// obligations: a job scheduler ticks every minute; each period of each recurring obligation is
// opened by one job (its id names contract, obligation and period) and checked by one delayed job
// per warning and deadline. The chat messages go to the chat queues like every notification.

export const OBLIGATION_QUEUE = 'sla-obligations';
export const OBLIGATION_TICK_JOB = 'tick';
export const OBLIGATION_OPEN_JOB = 'open';
export const OBLIGATION_CHECK_JOB = 'check';
export const OBLIGATION_SCHEDULER_ID = 'obligations';
export const OBLIGATION_TICK_MS = 60_000;

export interface ObligationOpenJob {
  readonly contract: string;
  readonly obligation: string;
  readonly period: string;
  /** An instant inside the period (its opening), from which the processor recomputes it. */
  readonly at: number;
}

export interface ObligationCheckJob extends ObligationOpenJob {
  readonly check: 'warning' | 'deadline';
}

export type ObligationJob = ObligationOpenJob | ObligationCheckJob | Record<string, never>;

export const obligationOpenJobId = (contract: string, obligation: string, period: string) => `obligation-open-${hash(contract, obligation, period).slice(0, 40)}`;
export const obligationCheckJobId = (contract: string, obligation: string, period: string, check: string) => `obligation-check-${hash(contract, obligation, period, check).slice(0, 40)}`;
/** The notification's id (and so its chat jobs' ids): one message per period, check and channel. */
export const obligationNotificationId = (contract: string, obligation: string, period: string, check: string) => `obligation-${hash(contract, obligation, period, check).slice(0, 32)}`;

/** A failed open keeps its id, so the next ticks fold into it; once it has rested a tick takes it away and adds the period anew (obligation-jobs.ts). */
export const OBLIGATION_OPEN_JOB_OPTIONS: JobsOptions = { attempts: 5, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: DAY_S, count: 10_000 }, removeOnFail: { age: 30 * DAY_S } };
export const OBLIGATION_CHECK_JOB_OPTIONS: JobsOptions = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 30 * DAY_S }, removeOnFail: { age: 30 * DAY_S } };
export const OBLIGATION_TICK_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } };

// ---------------------------------------------------------------------------------------------
// availability: a job scheduler ticks every minute while a contract has an uptime target; it and a
// delayed job at the instant an open outage will cross a budget share send each share's warning
// once per contract and month (its chat jobs' ids name contract, month and share).

export const AVAILABILITY_QUEUE = 'sla-availability';
export const AVAILABILITY_TICK_JOB = 'tick';
export const AVAILABILITY_CHECK_JOB = 'check';
export const AVAILABILITY_SCHEDULER_ID = 'availability';

export interface AvailabilityCheckJob {
  readonly contract: string;
}

export type AvailabilityJob = AvailabilityCheckJob | Record<string, never>;

/** One delayed check per contract, month, share and planned instant: a re-plan adds another, a stale one finds nothing to send. */
export const availabilityCheckJobId = (contract: string, month: string, share: number, at: number) => `availability-check-${hash(contract, month, String(share), String(at)).slice(0, 40)}`;
export const availabilityNotificationId = (contract: string, month: string, share: number) => `availability-${hash(contract, month, String(share)).slice(0, 32)}`;

export const AVAILABILITY_JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

// ---------------------------------------------------------------------------------------------
// duty handover: one delayed job per (team, shift start, person), planned at start, on every
// reload and when the previous one fires; a summary of the open issues for the person taking over

export const DUTY_HANDOVER_QUEUE = 'sla-duty-handover';
export const DUTY_HANDOVER_JOB = 'handover';

export interface DutyHandoverJob {
  readonly team: string;
  /** When the shift taken over begins. */
  readonly from: number;
  readonly person: string;
}

export const dutyHandoverJobId = (team: string, from: number, person: string) => `handover-${hash(team, String(from), person).slice(0, 40)}`;

/** Where a sent handover is remembered for good, after its completed job is gone. */
export const dutyHandoverSentKey = (prefix: string, jobId: string) => `${prefix}:duty-handover-sent:${jobId}`;

export const DUTY_HANDOVER_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 30 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

/** Every queue, in the order of the pipeline, with one chat queue per channel id given: for the queue board. */
export function pipelineQueues(channelIds: Iterable<string>): string[] {
  return [INGEST_QUEUE, TIMER_QUEUE, NOTIFY_QUEUE, ...[...new Set(channelIds)].map(chatQueueName), WRITE_BACK_QUEUE, RECONCILE_QUEUE, RETENTION_QUEUE, HOURS_QUEUE, CONTRACT_TERM_QUEUE, OBLIGATION_QUEUE, AVAILABILITY_QUEUE, DUTY_HANDOVER_QUEUE, LINE_ASSIGN_QUEUE];
}

/** The channels a bridge has a chat queue for: every configured one and the fallback. */
export function chatChannelIds(config: { readonly channels: ReadonlyMap<string, unknown>; readonly fallbackChannel: { readonly id: string } }): string[] {
  return [...new Set([...config.channels.keys(), config.fallbackChannel.id])];
}

// ---------------------------------------------------------------------------------------------
// line assignment: a functional escalation hands the issue to the next support line in the
// tracker (./line-escalation.ts), once per escalation, named by the notification that caused it.

export const LINE_ASSIGN_QUEUE = 'sla-line-assign';
export const LINE_ASSIGN_JOB = 'assign';

export interface LineAssignJob {
  readonly source: string;
  readonly issueId: string;
  /** The tracker name the issue goes to. */
  readonly assignee: string;
  readonly fromLine: string;
  readonly toLine: string;
  /** The notification (handover breach or threshold) that escalated. */
  readonly notificationId: string;
}

export const lineAssignJobId = (notificationId: string) => `assign-${hash(notificationId).slice(0, 40)}`;

export const LINE_ASSIGN_JOB_OPTIONS: JobsOptions = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 30 * DAY_S }, removeOnFail: { age: 30 * DAY_S } };
