/**
 * Downtime budget warnings. Every minute (a job scheduler: once however many workers run) and at
 * the instant an open outage will cross a budget share (a delayed job), the contract's month is
 * worked out from its incidents; each share crossed is told once per month: a share already told
 * is marked in Redis, and its chat jobs' ids name contract, month and share, so two workers that
 * both find it untold still queue one message per channel.
 */
import type { Job, Queue } from 'bullmq';
import { noticeSeverity, type ChatNotice } from '../../../connectors/chat/notice.js';
import { connectorOf, type ConnectorRegistry } from '../../../connectors/connector.js';
import type { Channel } from '../../config/channel.js';
import type { Source } from '../../config/source.js';
import { budgetMs, downtimeMs, monthOf, monthSpan, reachesAt, warningThresholdMs } from '../../domain/availability.js';
import type { Incident } from '../../domain/availability-report.js';
import type { Contract } from '../../domain/contract.js';
import type { Logger } from '../logger.js';
import type { IssueStore } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';
import {
  AVAILABILITY_CHECK_JOB,
  AVAILABILITY_JOB_OPTIONS,
  AVAILABILITY_SCHEDULER_ID,
  AVAILABILITY_TICK_JOB,
  CHAT_JOB_OPTIONS,
  CHAT_NOTICE_JOB,
  availabilityCheckJobId,
  availabilityNotificationId,
  chatJobId,
  type AvailabilityCheckJob,
  type AvailabilityJob,
  type ChatJob,
  type ChatNoticeJob,
} from '../jobs/pipeline.js';
import { loadIncidents } from './incidents.js';
import { rememberMark } from '../store/contract-marks.js';
import { quietDelay } from '../obligations/quiet-delay.js';

const TICK_MS = 60_000;
const DAY_MS = 86_400_000;

export interface AvailabilityDeps {
  readonly contracts: () => Iterable<Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly fallbackChannel: Channel;
  readonly issues: IssueStore;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly queue: Queue<AvailabilityJob>;
  readonly chatQueue: (channelId: string) => Queue<ChatJob | ChatNoticeJob>;
  readonly now: () => number;
  readonly logger: Logger;
}

const toldKey = (prefix: string, contract: string, month: string, share: number) => `${prefix}:availability-told:${contract}:${month}:${share}`;

/** The downtime budget notice of a share crossed: the month's budget, what is left, and the incident down last. */
export function availabilityNotice(
  contract: Contract,
  month: string,
  share: number,
  incident: Incident,
  amounts: { readonly budgetMs: number; readonly remainingMs: number; readonly exhaustedAt: number },
  tracker: string,
  language: ChatNotice['language'],
  now: number,
): ChatNotice {
  return {
    id: availabilityNotificationId(contract.id, month, share),
    kind: 'downtime_budget',
    language,
    customer: contract.customer,
    contract: contract.id,
    zone: contract.calendar.zone,
    month,
    targetPercent: contract.availability!.targetPercent,
    share,
    ...amounts,
    incident: { source: incident.source, tracker, id: incident.issue.id, key: incident.issue.key, title: incident.issue.title ?? '', ...(incident.issue.url && /^https?:/.test(incident.issue.url) ? { url: incident.issue.url } : {}) },
    firedAt: now,
  };
}

/** The contract's month at `now`: tells every share crossed and untold, and plans a check where an open outage will cross the next. */
export async function evaluateAvailability(deps: AvailabilityDeps, contract: Contract): Promise<number[]> {
  const rule = contract.availability;
  if (!rule) return [];
  const now = deps.now();
  const zone = contract.calendar.zone;
  const month = monthOf(now, zone);
  const { from, until } = monthSpan(month, zone);
  const incidents = await loadIncidents(deps.issues, contract);
  const outages = incidents.flatMap((incident) => incident.outages);
  const budget = budgetMs(rule.targetPercent, from, until);
  const exhaustedAt = reachesAt(outages, from, until, now, budget) ?? until;
  const told: number[] = [];
  for (const share of rule.warnAt) {
    const crossing = reachesAt(outages, from, until, now, warningThresholdMs(budget, share));
    if (crossing === null) continue;
    if (crossing > now) {
      await deps.queue.add(AVAILABILITY_CHECK_JOB, { contract: contract.id }, { ...AVAILABILITY_JOB_OPTIONS, jobId: availabilityCheckJobId(contract.id, month, share, crossing), delay: crossing - now });
      continue;
    }
    const key = toldKey(deps.prefix, contract.id, month, share);
    if (await deps.redis.exists(key)) continue;
    // The incident that is down now, else the one that was down last in the month.
    const lastDown = (incident: Incident) => Math.max(...incident.outages.map((outage) => outage.to ?? Number.POSITIVE_INFINITY));
    const incident = [...incidents].sort((a, b) => lastDown(a) - lastDown(b)).at(-1)!;
    const source = deps.sources.get(incident.source);
    const tracker = source ? connectorOf(deps.connectors, source.kind).displayName : incident.source;
    const ids = share === 0 ? contract.notify?.breaches : contract.notify?.warnings;
    const routed = (ids ?? []).flatMap((id) => deps.channels.get(id) ?? []);
    const remaining = budget - downtimeMs(outages, from, until, now);
    for (const channel of routed.length > 0 ? routed : [deps.fallbackChannel]) {
      const language = channel.language ?? contract.notify?.language ?? 'en';
      const notice = availabilityNotice(contract, month, share, incident, { budgetMs: budget, remainingMs: remaining, exhaustedAt }, tracker, language, now);
      // Quiet hours hold the shares like warnings, and the used-up one like a breach.
      await deps.chatQueue(channel.id).add(CHAT_NOTICE_JOB, { channelId: channel.id, notice }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(notice.id, channel.id), delay: quietDelay(channel, noticeSeverity(notice), now) });
    }
    // Kept past the month's end: the chat jobs' ids alone would be forgotten after 30 days.
    await deps.redis.set(key, String(now), 'PX', until - now + 7 * DAY_MS);
    await rememberMark(deps.redis, deps.prefix, key);
    deps.logger.info('downtime budget share crossed', { component: 'availability', contract: contract.id, month, share, incident: incident.issue.key });
    told.push(share);
  }
  return told;
}

export function createAvailabilityProcessor(deps: AvailabilityDeps) {
  return async (job: Job<AvailabilityJob>): Promise<unknown> => {
    const contracts = [...deps.contracts()].filter((contract) => contract.availability);
    if (job.name === AVAILABILITY_TICK_JOB) return Promise.all(contracts.map((contract) => evaluateAvailability(deps, contract)));
    if (job.name === AVAILABILITY_CHECK_JOB) {
      const contract = contracts.find((candidate) => candidate.id === (job.data as AvailabilityCheckJob).contract);
      return contract ? evaluateAvailability(deps, contract) : [];
    }
    throw new Error(`unknown availability job ${job.name}`);
  };
}

export async function scheduleAvailability(queue: Queue<AvailabilityJob>, contracts: Iterable<Contract>): Promise<void> {
  if (![...contracts].some((contract) => contract.availability)) {
    await queue.removeJobScheduler(AVAILABILITY_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(AVAILABILITY_SCHEDULER_ID, { every: TICK_MS }, { name: AVAILABILITY_TICK_JOB, data: {}, opts: AVAILABILITY_JOB_OPTIONS });
}
