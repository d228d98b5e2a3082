/**
 * Recurring obligations at work. A job scheduler ticks once a minute however many workers run;
 * each tick queues the opening of every period that has begun, under a job id that names the
 * contract, obligation and period, so repeated ticks fold into one job. Opening takes a Redis
 * claim (SET NX, expiring) for the period, looks in the tracker for an issue carrying the
 * period's marker (left by an attempt whose answer was lost, or before a restart), opens one only
 * when there is none, and records it. Then one delayed job per check (the warning before the
 * deadline, the deadline) looks whether the issue was resolved in time and otherwise tells the
 * contract's channels, through the chat queues, once per period and check.
 */
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { noticeSeverity, type ChatNotice } from '../../../connectors/chat/notice.js';
import { connectorOf, type ConnectorRegistry } from '../../../connectors/connector.js';
import type { NewIssue } from '../../../connectors/issue-creation.js';
import type { Channel } from '../../config/channel.js';
import type { Source } from '../../config/source.js';
import type { Contract } from '../../domain/contract.js';
import { obligationMarker, obligationTitle, resolvedAtOf, type Obligation } from '../../domain/obligation.js';
import { periodAt, warningAt, type ObligationPeriod } from '../../domain/obligation-period.js';
import { toLocalIso } from '../../domain/local-time.js';
import type { Logger } from '../logger.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import type { IssueStore } from '../store/issue-store.js';
import { trackerRead } from '../jobs/reconcile.js';
import {
  CHAT_JOB_OPTIONS,
  CHAT_NOTICE_JOB,
  chatJobId,
  OBLIGATION_CHECK_JOB,
  OBLIGATION_CHECK_JOB_OPTIONS,
  OBLIGATION_OPEN_JOB,
  OBLIGATION_OPEN_JOB_OPTIONS,
  OBLIGATION_SCHEDULER_ID,
  OBLIGATION_TICK_JOB,
  OBLIGATION_TICK_JOB_OPTIONS,
  OBLIGATION_TICK_MS,
  obligationCheckJobId,
  obligationNotificationId,
  obligationOpenJobId,
  type ChatJob,
  type ChatNoticeJob,
  type ObligationCheckJob,
  type ObligationJob,
  type ObligationOpenJob,
} from '../jobs/pipeline.js';
import type { ObligationStore, OpenedObligation } from './obligation-store.js';
import { quietDelay } from './quiet-delay.js';

/** Longer than a search and a create with their timeouts take. */
const CLAIM_MS = 2 * 60_000;

export interface ObligationDeps {
  /** Read whenever used: a reloaded config applies from the next tick on. */
  readonly contracts: () => Iterable<Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly fallbackChannel: Channel;
  readonly store: ObligationStore;
  readonly issues: IssueStore;
  readonly queue: Queue<ObligationJob>;
  readonly http: OutboundHttp;
  readonly chatQueue: (channelId: string) => Queue<ChatJob | ChatNoticeJob>;
  readonly now: () => number;
  readonly logger: Logger;
}

export interface DueOpening {
  readonly contract: Contract;
  readonly obligation: Obligation;
  readonly period: ObligationPeriod;
}

/**
 * Opening an issue writes to the tracker: only in a source that allows the bridge to write
 * (`write_back.enabled`) and gives it a token. The shipped sources do neither, so the shipped
 * contracts' obligations open nothing until their tracker is set up for it.
 */
export function mayOpenIn(source: Source | undefined): boolean {
  return source !== undefined && source.apiToken !== undefined && source.writeBack.enabled;
}

/** The periods that have opened and are not yet due at `now`, of every obligation whose source can open issues. */
export function dueOpenings(contracts: Iterable<Contract>, sources: ReadonlyMap<string, Source>, now: number): DueOpening[] {
  const due: DueOpening[] = [];
  for (const contract of contracts) {
    for (const obligation of contract.obligations ?? []) {
      if (!mayOpenIn(sources.get(obligation.source))) continue;
      const period = periodAt(obligation.every, obligation.calendar, now);
      if (period && now >= period.opensAt && now < period.dueAt) due.push({ contract, obligation, period });
    }
  }
  return due;
}

/** How long an open job that failed for good (the tracker down, a refused token) rests before a tick tries the period again. */
export const OPEN_RETRY_AFTER_MS = 10 * 60_000;

/**
 * One tick: the open job of every period due now; a period already queued or opened folds into
 * its job. A job that failed for good keeps its id, so it is taken away once it has rested, and
 * the period is queued anew: a tracker down when a quarter began does not cost the quarter's issue.
 */
export async function queueDueObligations(deps: Pick<ObligationDeps, 'contracts' | 'sources' | 'queue' | 'now'>): Promise<number> {
  const now = deps.now();
  const due = dueOpenings(deps.contracts(), deps.sources, now);
  for (const { contract, obligation, period } of due) {
    const jobId = obligationOpenJobId(contract.id, obligation.id, period.key);
    const failed = await deps.queue.getJob(jobId);
    if (failed && (await failed.getState()) === 'failed' && now - (failed.finishedOn ?? 0) >= OPEN_RETRY_AFTER_MS) await failed.remove().catch(() => undefined);
    const data: ObligationOpenJob = { contract: contract.id, obligation: obligation.id, period: period.key, at: period.opensAt };
    await deps.queue.add(OBLIGATION_OPEN_JOB, data, { ...OBLIGATION_OPEN_JOB_OPTIONS, jobId });
  }
  return due.length;
}

/** The obligation and its period as the config in force has them; undefined when either is gone. */
function lookUp(deps: Pick<ObligationDeps, 'contracts'>, data: ObligationOpenJob): { contract: Contract; obligation: Obligation; period: ObligationPeriod } | undefined {
  const contract = [...deps.contracts()].find((candidate) => candidate.id === data.contract);
  const obligation = contract?.obligations?.find((candidate) => candidate.id === data.obligation);
  const period = obligation && periodAt(obligation.every, obligation.calendar, data.at);
  return contract && obligation && period?.key === data.period ? { contract, obligation, period } : undefined;
}

export function newIssueFor(contract: Contract, obligation: Obligation, period: ObligationPeriod): NewIssue {
  const marker = obligationMarker(contract.id, obligation.id, period.key);
  const due = `${toLocalIso(period.dueAt, obligation.calendar.zone).slice(0, 16).replace('T', ' ')} (${obligation.calendar.zone})`;
  const intro = `Recurring obligation of contract ${contract.id} (${contract.customer}): ${obligation.title}, period ${period.key}, due ${due}.`;
  return {
    project: obligation.project,
    title: obligationTitle(obligation, period),
    body: obligation.description ? `${obligation.description.trim()}\n\n${intro}` : intro,
    marker,
    labels: obligation.labels,
    issueType: obligation.issueType,
    notBefore: period.start,
  };
}

/** Opens the period's issue unless the bridge or the tracker has it already; answers the record. */
export async function openObligation(deps: ObligationDeps, data: ObligationOpenJob): Promise<OpenedObligation | undefined> {
  const found = lookUp(deps, data);
  if (!found) return undefined;
  const { contract, obligation, period } = found;
  const known = await deps.store.opened(contract.id, obligation.id, period.key);
  if (known) {
    await planChecks(deps, obligation, known);
    return known;
  }
  const token = randomUUID();
  // BullMQ retries the job with backoff: by then the holder has recorded the issue or let go.
  if (!(await deps.store.claim(contract.id, obligation.id, period.key, token, CLAIM_MS))) throw new Error(`${obligation.id} ${period.key} is being opened by another worker`);
  try {
    const recorded = await deps.store.opened(contract.id, obligation.id, period.key);
    if (recorded) return recorded;
    const source = deps.sources.get(obligation.source);
    if (!source) throw new Error(`obligation ${obligation.id}: source ${obligation.source} is not configured`);
    const creation = connectorOf(deps.connectors, source.kind).issueCreation;
    if (!creation) throw new Error(`obligation ${obligation.id}: the bridge cannot open issues in ${source.kind} sources`);
    const issue = newIssueFor(contract, obligation, period);
    const now = deps.now();
    const existing = await creation.findExisting(source, issue, trackerRead(deps.http), now);
    // One attempt: a create that timed out may have been made, and the job's retry searches first.
    const ref = existing ?? creation.createdIssue(source, issue, (await deps.http.send(creation.createRequest(source, issue), { maxAttempts: 1 })).data);
    const opened: OpenedObligation = {
      contract: contract.id,
      obligation: obligation.id,
      period: { key: period.key, start: period.start, end: period.end, opensAt: period.opensAt, dueAt: period.dueAt },
      source: source.id,
      issue: { id: ref.id, key: ref.key, ...(ref.title ? { title: ref.title } : {}), ...(ref.url ? { url: ref.url } : {}) },
      openedAt: now,
      found: existing !== undefined,
    };
    await deps.store.record(opened);
    deps.logger.info(existing ? 'obligation issue found in the tracker' : 'obligation issue opened', { component: 'obligations', contract: contract.id, obligation: obligation.id, period: period.key, source: source.id, issue: ref.key });
    await planChecks(deps, obligation, opened);
    return opened;
  } finally {
    await deps.store.release(contract.id, obligation.id, period.key, token);
  }
}

/** The delayed checks of an opened period: the warning (when configured) and the deadline; their ids fold repeats. */
async function planChecks(deps: Pick<ObligationDeps, 'queue' | 'now'>, obligation: Obligation, opened: OpenedObligation): Promise<void> {
  const now = deps.now();
  const checks: [ObligationCheckJob['check'], number][] = [['deadline', opened.period.dueAt]];
  if (obligation.warnBeforeMs !== undefined) checks.unshift(['warning', warningAt(obligation.calendar, opened.period, obligation.warnBeforeMs)]);
  for (const [check, at] of checks) {
    const data: ObligationCheckJob = { contract: opened.contract, obligation: opened.obligation, period: opened.period.key, at: opened.period.opensAt, check };
    await deps.queue.add(OBLIGATION_CHECK_JOB, data, {
      ...OBLIGATION_CHECK_JOB_OPTIONS,
      jobId: obligationCheckJobId(opened.contract, opened.obligation, opened.period.key, check),
      delay: Math.max(0, at - now),
    });
  }
}

function routed(deps: Pick<ObligationDeps, 'channels' | 'fallbackChannel'>, contract: Contract, check: ObligationCheckJob['check']): Channel[] {
  const ids = check === 'warning' ? contract.notify?.warnings : contract.notify?.breaches;
  const channels = (ids ?? []).flatMap((id) => deps.channels.get(id) ?? []);
  return channels.length > 0 ? channels : [deps.fallbackChannel];
}

/** The notice of a check: the obligation, its period and deadline, the time left in business time of its calendar, its issue. */
export function obligationNotice(
  contract: Contract,
  obligation: Obligation,
  opened: OpenedObligation,
  check: ObligationCheckJob['check'],
  tracker: string,
  language: ChatNotice['language'],
  now: number,
): ChatNotice {
  const { dueAt } = opened.period;
  const remainingMs = now <= dueAt ? obligation.calendar.between(now, dueAt) : -obligation.calendar.between(dueAt, now);
  return {
    id: obligationNotificationId(opened.contract, opened.obligation, opened.period.key, check),
    kind: 'obligation',
    check,
    language,
    customer: contract.customer,
    contract: contract.id,
    zone: obligation.calendar.zone,
    obligation: { id: obligation.id, title: obligation.title },
    period: opened.period.key,
    dueAt,
    remainingMs,
    ...(check === 'warning' && obligation.warnBeforeText ? { lead: `${obligation.warnBeforeText} before` } : {}),
    issue: {
      source: opened.source,
      tracker,
      id: opened.issue.id,
      key: opened.issue.key,
      title: opened.issue.title ?? obligationTitle(obligation, opened.period as ObligationPeriod),
      ...(opened.issue.url && /^https?:/.test(opened.issue.url) ? { url: opened.issue.url } : {}),
    },
    firedAt: now,
  };
}

/** A check fired: nothing when the issue was resolved by then, else one message per routed channel. */
export async function checkObligation(deps: ObligationDeps, data: ObligationCheckJob): Promise<string[]> {
  const found = lookUp(deps, data);
  if (!found) return [];
  const { contract, obligation } = found;
  const opened = await deps.store.opened(contract.id, obligation.id, data.period);
  if (!opened) return [];
  const resolvedAt = resolvedAtOf(await deps.issues.loadEvents(opened.source, opened.issue.id));
  if (resolvedAt !== null) return [];
  const now = deps.now();
  // Told before (the check's job was re-planned after its first run had been cleaned away): once is enough.
  if (await deps.store.told(contract.id, obligation.id, data.period, data.check)) return [];
  const source = deps.sources.get(opened.source);
  const tracker = source ? connectorOf(deps.connectors, source.kind).displayName : opened.source;
  const sent: string[] = [];
  for (const channel of routed(deps, contract, data.check)) {
    const language = channel.language ?? contract.notify?.language ?? 'en';
    const notice = obligationNotice(contract, obligation, opened, data.check, tracker, language, now);
    await deps.chatQueue(channel.id).add(CHAT_NOTICE_JOB, { channelId: channel.id, notice }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(notice.id, channel.id), delay: quietDelay(channel, noticeSeverity(notice), now) });
    sent.push(channel.id);
  }
  // After the chat jobs: a crash in between queues them again under the same ids.
  await deps.store.markTold(contract.id, obligation.id, data.period, data.check, Math.max(0, opened.period.end - now) + 7 * 86_400_000);
  deps.logger.info('obligation not done by its check', { component: 'obligations', contract: contract.id, obligation: obligation.id, period: data.period, check: data.check, channels: sent });
  return sent;
}

export function createObligationProcessor(deps: ObligationDeps) {
  return async (job: Job<ObligationJob>): Promise<unknown> => {
    switch (job.name) {
      case OBLIGATION_TICK_JOB:
        return queueDueObligations(deps);
      case OBLIGATION_OPEN_JOB:
        return openObligation(deps, job.data as ObligationOpenJob);
      case OBLIGATION_CHECK_JOB:
        return checkObligation(deps, job.data as ObligationCheckJob);
      default:
        throw new Error(`unknown obligation job ${job.name}`);
    }
  };
}

/** The tick's scheduler while some contract lists an obligation whose source may have issues opened, none otherwise. */
export async function scheduleObligations(queue: Queue<ObligationJob>, contracts: Iterable<Contract>, sources: ReadonlyMap<string, Source>): Promise<void> {
  const any = [...contracts].some((contract) => (contract.obligations ?? []).some((obligation) => mayOpenIn(sources.get(obligation.source))));
  if (!any) {
    await queue.removeJobScheduler(OBLIGATION_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(OBLIGATION_SCHEDULER_ID, { every: OBLIGATION_TICK_MS }, { name: OBLIGATION_TICK_JOB, data: {}, opts: OBLIGATION_TICK_JOB_OPTIONS });
}
