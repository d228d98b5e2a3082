/**
 * What the bridge remembers about contracts rather than issues, so that it happens once: the
 * periods of recurring obligations it opened issues for and the checks it told, the downtime budget
 * shares it told, the contract-term warnings it sent. Each such key is written with its name added
 * to one index set, so `export` finds every one without scanning Redis (which a Cluster cannot do
 * in one command) and `import` puts them back without overwriting what a Redis already has.
 */
import { z } from 'zod';
import type { RedisClient } from './redis-connection.js';

export const contractMarksIndexKey = (prefix: string) => `${prefix}:contract-marks`;

/** A mark as exported: its key after the prefix, its value, and how long it has left (null: no expiry). */
export const contractMarkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('string'), key: z.string().min(1), value: z.string(), ttlMs: z.number().int().positive().nullable() }),
  z.strictObject({ kind: z.literal('hash'), key: z.string().min(1), fields: z.record(z.string(), z.string()), ttlMs: z.number().int().positive().nullable() }),
]);
export type ContractMark = z.infer<typeof contractMarkSchema>;

/** The name to add to the index for a key written under `prefix`. */
const suffixOf = (prefix: string, key: string) => key.slice(prefix.length + 1);

/** Adds the key to the index; call it with the write (same transaction or right after). */
export function rememberMark(redis: Pick<RedisClient, 'sadd'>, prefix: string, key: string): Promise<number> {
  return redis.sadd(contractMarksIndexKey(prefix), suffixOf(prefix, key));
}

/** Every mark still in Redis, in key order; keys that expired since are left out. */
export async function readMarks(redis: RedisClient, prefix: string): Promise<ContractMark[]> {
  const names = (await redis.smembers(contractMarksIndexKey(prefix))).sort();
  const marks: ContractMark[] = [];
  for (const name of names) {
    const key = `${prefix}:${name}`;
    const [type, pttl] = await Promise.all([redis.type(key), redis.pttl(key)]);
    const ttlMs = pttl > 0 ? pttl : null;
    if (type === 'string') marks.push({ kind: 'string', key: name, value: (await redis.get(key)) ?? '', ttlMs });
    else if (type === 'hash') marks.push({ kind: 'hash', key: name, fields: await redis.hgetall(key), ttlMs });
  }
  return marks;
}

/** Puts a mark back; what the Redis has already (a string, a hash's field) is kept. Answers whether anything was added. */
export async function restoreMark(redis: RedisClient, prefix: string, mark: ContractMark): Promise<boolean> {
  const key = `${prefix}:${mark.key}`;
  let added: boolean;
  if (mark.kind === 'string') {
    const answer = mark.ttlMs === null ? await redis.set(key, mark.value, 'NX') : await redis.set(key, mark.value, 'PX', mark.ttlMs, 'NX');
    added = answer === 'OK';
  } else {
    const results = await Promise.all(Object.entries(mark.fields).map(([field, value]) => redis.hsetnx(key, field, value)));
    added = results.some((result) => result === 1);
    if (added && mark.ttlMs !== null) await redis.pexpire(key, mark.ttlMs);
  }
  await rememberMark(redis, prefix, key);
  return added;
}
