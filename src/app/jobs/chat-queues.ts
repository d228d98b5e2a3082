/**
 * One chat queue and worker per channel (and one for the fallback channel), so a channel that
 * fails or hangs fills only its own worker slots: another channel's message never waits behind
 * it. The workers share one Redis connection for commands; each has its own blocking one.
 *
 * Queues no configured channel uses any more (a channel taken out of the config, or `sla-chat`
 * of versions before per-channel queues) are drained: a worker on each that still holds jobs
 * moves them, when due, to the queue of their channel (the fallback's when it is gone), keeping
 * their ids. The queue names in use are listed in Redis for that.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Channel } from '../../config/channel.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { RedisHealth } from '../store/redis-health.js';
import { IssueJournal } from '../store/issue-journal.js';
import { createRedis, type RedisClient } from '../store/redis-connection.js';
import type { RedisTarget } from '../store/redis-target.js';
import { ChatRetryLater, chatBackoffStrategy } from './chat-retry.js';
import { createChatSendProcessor } from './chat-send.js';
import type { DutyDeps } from './duty-routing.js';
import { CHAT_JOB_OPTIONS, CHAT_QUEUE, chatChannelIds, chatQueueName, chatQueueSetKey, WORKER_RECOVERY, type ChatJob, type ChatNoticeJob, type ChatRetryPolicy, QUEUE_STREAMS } from './pipeline.js';

// Only so that a 429 can pause a channel's queue: BullMQ honours a manual rate limit only on a
// worker with a limiter. No chat service takes this many messages a second on one webhook.
const UNTHROTTLED = { max: 1_000, duration: 1_000 };

export interface ChatWorkerParts {
  readonly redis: RedisTarget;
  readonly prefix: string;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly fallbackChannel: Channel;
  readonly http: OutboundHttp;
  readonly deadLetters: DeadLetterStore;
  readonly retry: ChatRetryPolicy;
  /** Messages in flight per channel. */
  readonly concurrency: number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** The bridge's clock, for when a message went out (the issue's explanation). */
  readonly now?: () => number;
  /** Tells Redis refusing writes once for every worker (redis-health.ts), instead of a line per failed loop. */
  readonly health?: RedisHealth | undefined;
  /** Who is on duty, for messages of a team's contracts. */
  readonly duty?: DutyDeps;
}

export interface ChatWorkers {
  /** The queue a message for `channelId` goes to: its own, or the fallback's for an unknown id. */
  queueFor(channelId: string): Queue<ChatJob>;
  readonly workers: readonly Worker[];
  readonly queues: readonly Queue[];
  readonly connections: readonly RedisClient[];
  /** After a config reload: a queue and worker for each channel that has none yet; returns those made. */
  addNewChannels(): Promise<{ readonly workers: readonly Worker[]; readonly queues: readonly Queue[] }>;
}

const PENDING_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'] as const;

export async function startChatWorkers(parts: ChatWorkerParts): Promise<ChatWorkers> {
  const { prefix, logger } = parts;
  const connection = createRedis(parts.redis, 'worker');
  const connections: RedisClient[] = [connection];
  const workers: Worker[] = [];
  const queues = new Map<string, Queue<ChatJob>>();
  const liveIds = chatChannelIds(parts);
  // Without a listener BullMQ prints every reconnect attempt to stderr while Redis is away.
  const openQueue = (id: string) => {
    const queue = new Queue<ChatJob>(chatQueueName(id), { streams: QUEUE_STREAMS, connection, prefix });
    queue.on('error', () => undefined);
    queues.set(id, queue);
  };
  for (const id of liveIds) openQueue(id);
  const queueFor = (channelId: string) => queues.get(channelId) ?? queues.get(parts.fallbackChannel.id)!;

  const send = createChatSendProcessor({
    channels: parts.channels,
    fallbackChannel: parts.fallbackChannel,
    http: parts.http,
    deadLetters: parts.deadLetters,
    retry: parts.retry,
    pauseChannel: (channelId, ms) => queueFor(channelId).rateLimit(ms),
    ...(parts.duty ? { duty: parts.duty } : {}),
    logger,
    metrics: parts.metrics,
    journal: new IssueJournal(connection, prefix),
    now: parts.now,
  });
  const backoffStrategy = chatBackoffStrategy(parts.retry);
  const start = (name: string, processor: (job: Job<ChatJob | ChatNoticeJob>) => Promise<unknown>, concurrency: number) => {
    const worker = new Worker<ChatJob>(name, processor, { connection, prefix, concurrency, limiter: UNTHROTTLED, settings: { backoffStrategy }, ...WORKER_RECOVERY });
    // A stalled job is run again: after a crash that is recovery, on a live worker (its lock not
    // renewed in time) it may send a chat message twice, so it is worth a line.
    worker.on('stalled', (jobId) => logger.warn('job stalled: its lock expired, so it runs again', { component: name, job: jobId }));
    worker.on('failed', (job, error) => {
      // Thrown only with a retry left, and logged when it was decided.
      if (error instanceof ChatRetryLater) return;
      logger.warn('job failed', { component: name, job: job?.id, attempt: job?.attemptsMade, error: error.message });
    });
    worker.on('error', (error) => {
      if (!parts.health?.report(error)) logger.warn('worker error', { component: name, error: error.message });
    });
    workers.push(worker as Worker);
  };
  for (const id of liveIds) start(chatQueueName(id), send, parts.concurrency);

  // What is left in a queue no channel of this config uses goes, when due, to its channel's queue.
  const forward = async (job: Job<ChatJob | ChatNoticeJob>) => {
    await (queueFor(job.data.channelId) as Queue<ChatJob | ChatNoticeJob>).add(job.name, job.data, { ...CHAT_JOB_OPTIONS, jobId: job.id });
    return { forwardedTo: queueFor(job.data.channelId).name };
  };
  const listed = chatQueueSetKey(prefix);
  const liveNames = new Set(liveIds.map(chatQueueName));
  await connection.sadd(listed, ...liveNames);
  for (const name of new Set([CHAT_QUEUE, ...(await connection.smembers(listed))])) {
    if (liveNames.has(name)) continue;
    const old = new Queue(name, { streams: QUEUE_STREAMS, connection, prefix });
    const counts = await old.getJobCounts(...PENDING_STATES);
    const pending = Object.values(counts).reduce((sum, count) => sum + count, 0);
    await old.close();
    if (pending === 0) {
      await connection.srem(listed, name);
      continue;
    }
    logger.info('draining a chat queue no channel uses', { component: 'chat', queue: name, pending });
    start(name, forward, 1);
  }
  const addNewChannels = async () => {
    const added = chatChannelIds(parts).filter((id) => !queues.has(id));
    const before = workers.length;
    for (const id of added) {
      openQueue(id);
      start(chatQueueName(id), send, parts.concurrency);
    }
    if (added.length > 0) await connection.sadd(listed, ...added.map(chatQueueName));
    return { workers: workers.slice(before), queues: added.map((id) => queues.get(id)!) };
  };
  return { queueFor, workers, queues: [...queues.values()], connections, addNewChannels };
}
