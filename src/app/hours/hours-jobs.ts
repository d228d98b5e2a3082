/**
 * The hours queue's processor: a card warning becomes one chat message per routed channel (the
 * card's `notify` channels, else the contract's breach channels, else the console), each a job with
 * a deterministic id in the channel's own queue, held through the channel's quiet hours like any
 * warning.
 */
import type { Job, Queue } from 'bullmq';
import type { CardNotification } from '../../../connectors/chat/card-notification.js';
import { type ConnectorRegistry, connectorOf } from '../../../connectors/connector.js';
import type { Channel } from '../../config/channel.js';
import type { Source } from '../../config/source.js';
import type { Contract } from '../../domain/contract.js';
import type { Logger } from '../logger.js';
import { nextOpening } from '../jobs/notify.js';
import { CHAT_JOB, CHAT_JOB_OPTIONS, chatJobId, type ChatJob, type CardWarningJob } from '../jobs/pipeline.js';

export interface HoursJobDeps {
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly trackers: ConnectorRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly fallbackChannel: Channel;
  readonly chatQueue: (channelId: string) => Queue<ChatJob>;
  readonly now: () => number;
  readonly logger: Logger;
}

export function hoursChannels(deps: Pick<HoursJobDeps, 'channels' | 'fallbackChannel'>, contract: Contract | undefined): Channel[] {
  const ids = contract?.hours?.notify ?? contract?.notify?.breaches ?? [];
  const channels = ids.flatMap((id) => deps.channels.get(id) ?? []);
  return channels.length > 0 ? channels : [deps.fallbackChannel];
}

export function createHoursProcessor(deps: HoursJobDeps) {
  return async (job: Job<CardWarningJob>): Promise<string[]> => {
    const warning = job.data;
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
