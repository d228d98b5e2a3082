/**
 * The contract-term warning: `term.warn_before` ahead of the end of a contract's `valid.until`,
 * one notice to the contract's breach channels (the managers), exactly once. Every worker plans
 * it at start and after each reload as one delayed job whose id is the contract, its end date and
 * the lead, so starts, restarts and reloads fold into that job; the job looks at the config in
 * force when it fires (a job planned for an end date or lead the config no longer has sends
 * nothing), and remembers in Redis that it was sent, so neither a retry nor a job planned anew
 * after the completed one has been removed sends it twice. The chat jobs' ids are the notice's
 * and the channel's, as for SLA messages.
 */
import type { Job, Queue } from 'bullmq';
import type { ChatNotice } from '../../../connectors/chat/notice.js';
import { rememberMark } from '../store/contract-marks.js';
import type { Channel } from '../../config/channel.js';
import { daysLeft, termPlan } from '../../domain/contract-term.js';
import type { Contract } from '../../domain/contract.js';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../store/redis-connection.js';
import { nextOpening } from './notify.js';
import {
  CHAT_JOB_OPTIONS,
  CHAT_NOTICE_JOB,
  CONTRACT_TERM_JOB,
  CONTRACT_TERM_JOB_OPTIONS,
  chatJobId,
  contractTermJobId,
  contractTermSentKey,
  type ChatJob,
  type ChatNoticeJob,
  type ContractTermJob,
} from './pipeline.js';

export interface ContractTermDeps {
  /** Read whenever used: the live config's. */
  readonly config: { readonly contracts: ReadonlyMap<string, Contract>; readonly channels: ReadonlyMap<string, Channel>; readonly fallbackChannel: Channel };
  readonly chatQueue: (channelId: string) => Queue<ChatJob>;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The warning a contract asks for, with its job's id; undefined when it asks for none. */
function plannedWarning(contract: Contract) {
  if (!contract.term || !contract.validUntil) return undefined;
  const plan = termPlan(contract.validUntil, contract.calendar.zone, contract.term);
  const job: ContractTermJob = { contractId: contract.id, validUntil: contract.validUntil, lead: plan.lead };
  return { plan, job, jobId: contractTermJobId(contract.id, contract.validUntil, plan.lead) };
}

export interface TermSchedule {
  /** Contract ids whose warning is planned (or was already). */
  readonly planned: readonly string[];
  readonly alreadySent: readonly string[];
  /** Whose term has ended: no warning any more. */
  readonly ended: readonly string[];
}

/** Plans every contract's warning; a warning already due fires at once. Safe to call from every worker, any number of times. */
export async function scheduleContractTerms(queue: Queue<ContractTermJob>, deps: Pick<ContractTermDeps, 'config' | 'redis' | 'prefix' | 'now'>): Promise<TermSchedule> {
  const schedule = { planned: [] as string[], alreadySent: [] as string[], ended: [] as string[] };
  const now = deps.now();
  for (const contract of deps.config.contracts.values()) {
    const warning = plannedWarning(contract);
    if (!warning) continue;
    if (now >= warning.plan.endsAt) {
      schedule.ended.push(contract.id);
      continue;
    }
    if ((await deps.redis.exists(contractTermSentKey(deps.prefix, warning.jobId))) === 1) {
      schedule.alreadySent.push(contract.id);
      continue;
    }
    await queue.add(CONTRACT_TERM_JOB, warning.job, { ...CONTRACT_TERM_JOB_OPTIONS, jobId: warning.jobId, delay: Math.max(0, warning.plan.warnAt - now) });
    schedule.planned.push(contract.id);
  }
  return schedule;
}

export type TermOutcome = { readonly outcome: 'sent'; readonly channels: readonly string[] } | { readonly outcome: 'skipped'; readonly reason: string };

export function createContractTermProcessor(deps: ContractTermDeps) {
  const log = deps.logger.child({ component: 'contract-term' });
  return async (job: Job<ContractTermJob>): Promise<TermOutcome> => {
    const { contractId } = job.data;
    const contract = deps.config.contracts.get(contractId);
    const warning = contract && plannedWarning(contract);
    if (!contract || !warning || warning.jobId !== job.id) return { outcome: 'skipped', reason: 'the config in force plans another warning, or none, for this contract' };
    const sentKey = contractTermSentKey(deps.prefix, warning.jobId);
    if ((await deps.redis.exists(sentKey)) === 1) return { outcome: 'skipped', reason: 'already sent' };
    const now = deps.now();
    if (now >= warning.plan.endsAt) return { outcome: 'skipped', reason: 'the term has ended' };

    const ids = contract.notify?.breaches ?? [];
    const routed = ids.flatMap((id) => deps.config.channels.get(id) ?? []);
    const channels = routed.length > 0 ? routed : [deps.config.fallbackChannel];
    for (const channel of channels) {
      const notice: ChatNotice = {
        id: warning.jobId,
        kind: 'contract_term',
        language: channel.language ?? contract.notify?.language ?? 'en',
        customer: contract.customer,
        contract: contract.id,
        validUntil: warning.job.validUntil,
        zone: contract.calendar.zone,
        daysLeft: daysLeft(warning.job.validUntil, contract.calendar.zone, now),
        firedAt: now,
      };
      const quiet = channel.quietHours?.calendar;
      const delay = quiet ? Math.max(0, nextOpening(quiet, now) - now) : 0;
      const queue = deps.chatQueue(channel.id) as unknown as Queue<ChatNoticeJob>;
      await queue.add(CHAT_NOTICE_JOB, { channelId: channel.id, notice }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(notice.id, channel.id), delay });
    }
    // Last: a failure before this retries the job, whose chat jobs keep their ids.
    await deps.redis.set(sentKey, String(now));
    await rememberMark(deps.redis, deps.prefix, sentKey);
    log.info('contract term warning sent', { contract: contract.id, validUntil: warning.job.validUntil, lead: warning.plan.lead, channels: channels.map((channel) => channel.id) });
    return { outcome: 'sent', channels: channels.map((channel) => channel.id) };
  };
}
