/**
 * The webhook path's own Redis connection, with ioredis's auto-pipelining: the commands every
 * webhook in flight sends within one turn of the event loop (duplicate checks, BullMQ adds, dedup
 * marks) leave in one socket write and come back in one read. Writing to a socket is a system call
 * that also wakes Redis, and with one write per command it was the largest single cost of a
 * webhook (a fifth of its CPU time). The commands and their order per webhook are unchanged, so
 * are the dedup and the 202 only after the job is in Redis; only the writes are shared.
 *
 * Its own connection, because auto-pipelining changes nothing on the request connection that the
 * API, readiness and the workers' neighbours use; it fails fast like that one (a 503 while Redis
 * is away), being its duplicate.
 */
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { INGEST_QUEUE, type DeliveryJob } from '../jobs/pipeline.js';
import { withTimeout, type RedisClient } from '../store/redis-connection.js';

export interface IntakeConnection {
  readonly redis: RedisClient;
  /** The ingest queue as seen from this connection: its adds share the writes too. */
  readonly queue: Queue<DeliveryJob>;
}

const READY_TIMEOUT_MS = 10_000;

export async function openIntakeConnection(request: RedisClient, prefix: string): Promise<IntakeConnection> {
  const redis: RedisClient =
    request instanceof Cluster
      ? request.duplicate(undefined, { enableAutoPipelining: true })
      : request.duplicate({ enableAutoPipelining: true, connectionName: 'sla-bridge-intake' });
  redis.on('error', () => undefined);
  try {
    if (redis.status !== 'ready') await withTimeout(new Promise((resolve) => redis.once('ready', resolve)), READY_TIMEOUT_MS, 'connecting the webhook intake to Redis');
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const queue = new Queue<DeliveryJob>(INGEST_QUEUE, { connection: redis, prefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  return { redis, queue };
}
