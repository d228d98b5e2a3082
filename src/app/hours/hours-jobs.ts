/**
 * The hours queue's processor: a card warning, or an approval timer whose wait still goes on,
 * becomes one chat message per routed channel (the card's `notify` channels, else the contract's
 * breach channels, the managers, else the console), each a job with a deterministic id in the
 * channel's own queue, held through the channel's quiet hours like any warning.
 */
import type { Job, Queue } from 'bullmq';
import type { CardNotification } from '../../../connectors/chat/card-notification.js';
import { type ConnectorRegistry, connectorOf } from '../../../connectors/connector.js';
import type { Channel } from '../../config/channel.js';
import type { Source } from '../../config/source.js';
import type { Contract } from '../../domain/contract.js';
import type { Logger } from '../logger.js';
import { nextOpening } from '../jobs/notify.js';
import { APPROVAL_TIMER_JOB, CHAT_JOB, CHAT_JOB_OPTIONS, chatJobId, type ApprovalTimerJob, type ChatJob, type CardWarningJob, type HoursJob } from '../jobs/pipeline.js';
import { buildLedger } from '../../domain/hours-ledger.js';
import type { HoursStore } from './hours-store.js';

export interface HoursJobDeps {
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly trackers: ConnectorRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly fallbackChannel: Channel;
  readonly chatQueue: (channelId: string) => Queue<ChatJob>;
  readonly now: () => number;
  readonly logger: Logger;
  /** The cards' calls, which an approval timer checks before it warns. */
  readonly store: HoursStore;
}

export function hoursChannels(deps: Pick<HoursJobDeps, 'channels' | 'fallbackChannel'>, contract: Contract | undefined): Channel[] {
  const ids = contract?.hours?.notify ?? contract?.notify?.breaches ?? [];
  const channels = ids.flatMap((id) => deps.channels.get(id) ?? []);
  return channels.length > 0 ? channels : [deps.fallbackChannel];
}

async function handOver(deps: HoursJobDeps, contract: Contract | undefined, id: string, build: (channel: Channel) => CardNotification): Promise<string[]> {
  const sent: string[] = [];
  for (const channel of hoursChannels(deps, contract)) {
    const now = deps.now();
    const delay = channel.quietHours ? Math.max(0, nextOpening(channel.quietHours.calendar, now) - now) : 0;
    await deps.chatQueue(channel.id).add(CHAT_JOB, { channelId: channel.id, notification: build(channel) }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(id, channel.id), delay });
    sent.push(channel.id);
  }
  return sent;
}

const trackerOf = (deps: HoursJobDeps, sourceId: string) => {
  const source = deps.sources.get(sourceId);
  return source ? { kind: source.kind, name: connectorOf(deps.trackers, source.kind).displayName, source: source.id } : { kind: 'unknown', source: sourceId };
};

const issueOf = (call: ApprovalTimerJob['call']) => ({ id: call.issueId, key: call.key, title: call.title ?? '', ...(call.url && /^https?:/.test(call.url) ? { url: call.url } : {}) });

/** Warns only while the wait it was planned for goes on: approved since, or booked again (a new wait, a new timer), it is silent. */
async function approvalTimer(deps: HoursJobDeps, job: Job<ApprovalTimerJob>): Promise<string[]> {
  const timer = job.data;
  const contract = deps.contracts.get(timer.contract);
  if (!contract?.hours) return [];
  const calls = await deps.store.loadCalls(contract.id, contract.hours);
  const call = calls.find((candidate) => candidate.id === timer.callId);
  if (call?.approval?.state !== 'pending' || call.approval.since !== timer.since) return [];
  if (await deps.store.wasWarned(contract.id, job.id!)) return [];
  const ledger = buildLedger(contract.hours, calls, deps.now());
  const sent = await handOver(deps, contract, job.id!, (channel) => ({
    subject: 'hours-approval',
    id: job.id!,
    kind: 'warning',
    threshold: contract.hours!.approval?.warnAfterText ?? 'approval',
    language: channel.language ?? contract.notify?.language ?? 'en',
    customer: contract.customer,
    contract: contract.id,
    balanceSeconds: ledger.balanceSeconds,
    purchase: ledger.currentPurchase ?? '(no purchase)',
    tracker: trackerOf(deps, timer.call.source),
    issue: issueOf(timer.call),
    call: { rawSeconds: timer.call.rawSeconds, billedSeconds: timer.call.billedSeconds, since: timer.since },
    firedAt: deps.now(),
  }));
  await deps.store.markWarned(contract.id, job.id!);
  deps.logger.info('hours approval overdue, the managers told', { component: 'hours', contract: contract.id, call: timer.callId, since: timer.since, channels: sent });
  return sent;
}

export function createHoursProcessor(deps: HoursJobDeps) {
  return async (job: Job<HoursJob>): Promise<string[]> => {
    if (job.name === APPROVAL_TIMER_JOB) return approvalTimer(deps, job as Job<ApprovalTimerJob>);
    const warning = (job as Job<CardWarningJob>).data;
    const contract = deps.contracts.get(warning.contract);
    const source = deps.sources.get(warning.call.source);
    const tracker = source ? { kind: source.kind, name: connectorOf(deps.trackers, source.kind).displayName, source: source.id } : { kind: 'unknown', source: warning.call.source };
    const sent: string[] = [];
    for (const channel of hoursChannels(deps, contract)) {
      const notification: CardNotification = {
        subject: 'hours-card',
        id: job.id!,
        kind: 'warning',
        threshold: warning.level,
        language: channel.language ?? contract?.notify?.language ?? 'en',
        customer: contract?.customer ?? warning.contract,
        contract: warning.contract,
        balanceSeconds: warning.balanceSeconds,
        purchase: warning.purchase,
        tracker,
        issue: { id: warning.call.issueId, key: warning.call.key, title: warning.call.title ?? '', ...(warning.call.url && /^https?:/.test(warning.call.url) ? { url: warning.call.url } : {}) },
        call: { rawSeconds: warning.call.rawSeconds, billedSeconds: warning.call.billedSeconds },
        firedAt: warning.firedAt,
      };
      const now = deps.now();
      const delay = channel.quietHours ? Math.max(0, nextOpening(channel.quietHours.calendar, now) - now) : 0;
      await deps.chatQueue(channel.id).add(CHAT_JOB, { channelId: channel.id, notification }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(job.id!, channel.id), delay });
      sent.push(channel.id);
    }
    deps.logger.info('hours card warning handed to chat', { component: 'hours', contract: warning.contract, level: warning.level, balanceSeconds: warning.balanceSeconds, channels: sent });
    return sent;
  };
}
