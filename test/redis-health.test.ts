/** What a failed Redis call says about Redis: the errors as Redis 7 and ioredis word them. */
import { expect } from 'chai';
import { redisCondition, type RedisCondition } from '../src/app/store/redis-health.js';

describe('Redis health: reading errors', () => {
  const cases: [name: string, message: string, expected: RedisCondition | undefined][] = [
    ['an AOF it cannot write (disk full)', 'MISCONF Errors writing to the AOF file: No space left on device', { state: 'cannot-write', reason: 'MISCONF Errors writing to the AOF file: No space left on device' }],
    ['the same from inside a script (BullMQ adds jobs by script)', 'MISCONF Errors writing to the AOF file: Read-only file system script: 5ab432e88830d573e2fa33392ffbd4ad25a9b100, on @user_script:589.', { state: 'cannot-write', reason: 'MISCONF Errors writing to the AOF file: Read-only file system' }],
    [
      'a failed RDB snapshot: only its first sentence',
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
      { state: 'cannot-write', reason: "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk" },
    ],
    ['a demoted master', "READONLY You can't write against a read only replica.", { state: 'cannot-write', reason: "READONLY You can't write against a read only replica" }],
    ['a refused connection', 'connect ECONNREFUSED 127.0.0.1:6379', { state: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:6379' }],
    ['no connection on a fail-fast client', "Stream isn't writeable and enableOfflineQueue options is false", { state: 'unreachable', reason: "Stream isn't writeable and enableOfflineQueue options is false" }],
    ['the bridge giving up on a slow call', 'queueing the delivery took longer than 2000 ms', { state: 'unreachable', reason: 'queueing the delivery took longer than 2000 ms' }],
    ['a Redis still loading its data', 'LOADING Redis is loading the dataset in memory', { state: 'unreachable', reason: 'LOADING Redis is loading the dataset in memory' }],
    ['anything else is not about Redis', 'Missing lock for job 42. moveToFinished', undefined],
    ['nor is a script bug', 'ERR user_script:1: Script attempted to access nonexistent global variable', undefined],
  ];
  for (const [name, message, expected] of cases) {
    it(name, () => {
      expect(redisCondition(new Error(message))).to.deep.equal(expected);
    });
  }
});
