/** Which Redis the environment names: every accepted form, and a clear error naming the variable for the rest. */
import { expect } from 'chai';
import { describeRedisTarget, keyPrefix, redisTargetFromEnv, RedisTargetError, type RedisTarget } from '../src/app/store/redis-target.js';

const SECRET = 'pa55-w0rd-SECRET';

describe('Redis target from the environment', () => {
  const accepted: [string, NodeJS.ProcessEnv, RedisTarget | undefined][] = [
    ['nothing: the bridge runs its own', {}, undefined],
    ['blank values count as unset', { REDIS_URL: ' ', REDIS_SENTINELS: '' }, undefined],
    ['a URL', { REDIS_URL: 'redis://redis:6379' }, { kind: 'url', url: 'redis://redis:6379', password: undefined, db: undefined, waitReplicas: undefined }],
    [
      'a TLS URL with password, database and replica wait from their own variables',
      { REDIS_URL: 'rediss://redis.example:6380', REDIS_PASSWORD: SECRET, REDIS_DB: '2', REDIS_WAIT_REPLICAS: '1' },
      { kind: 'url', url: 'rediss://redis.example:6380', password: SECRET, db: 2, waitReplicas: 1 },
    ],
    ['a socket path', { REDIS_URL: '/run/redis/redis.sock' }, { kind: 'url', url: '/run/redis/redis.sock', password: undefined, db: undefined, waitReplicas: undefined }],
    [
      'sentinels (host names, IPv4, IPv6) and the master group',
      { REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.2:26380,[::1]:26381', REDIS_SENTINEL_MASTER: 'mymaster' },
      {
        kind: 'sentinel',
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: '10.0.0.2', port: 26380 },
          { host: '::1', port: 26381 },
        ],
        masterName: 'mymaster',
        password: undefined,
        sentinelPassword: undefined,
        db: undefined,
        waitReplicas: undefined,
      },
    ],
    [
      'sentinels with both passwords, a database and a replica wait',
      { REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_MASTER: 'm', REDIS_PASSWORD: SECRET, REDIS_SENTINEL_PASSWORD: `${SECRET}-s`, REDIS_DB: '3', REDIS_WAIT_REPLICAS: '2' },
      { kind: 'sentinel', sentinels: [{ host: 's', port: 26379 }], masterName: 'm', password: SECRET, sentinelPassword: `${SECRET}-s`, db: 3, waitReplicas: 2 },
    ],
    [
      'cluster nodes, database 0 allowed',
      { REDIS_CLUSTER_NODES: 'node-a:7000,node-b:7001', REDIS_PASSWORD: SECRET, REDIS_DB: '0', REDIS_WAIT_REPLICAS: '0' },
      { kind: 'cluster', nodes: [{ host: 'node-a', port: 7000 }, { host: 'node-b', port: 7001 }], password: SECRET },
    ],
  ];
  for (const [name, env, expected] of accepted) {
    it(`accepts ${name}`, () => {
      expect(redisTargetFromEnv(env)).to.deep.equal(expected);
    });
  }

  const refused: [NodeJS.ProcessEnv, string][] = [
    [{ REDIS_SENTINELS: 'x', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "x" is not host:port'],
    [{ REDIS_SENTINELS: 's:26379,s2', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "s2" is not host:port'],
    [{ REDIS_SENTINELS: 's:0', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "s:0" is not host:port'],
    [{ REDIS_SENTINELS: 's:65536', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "s:65536" is not host:port'],
    [{ REDIS_SENTINELS: 'redis://s:26379', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: "redis://s:26379" is not host:port'],
    [{ REDIS_SENTINELS: ' , ', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: lists no host:port'],
    [{ REDIS_SENTINELS: 's:26379' }, 'REDIS_SENTINEL_MASTER: not set; name the master group the sentinels monitor'],
    [{ REDIS_CLUSTER_NODES: 'a:7000,b' }, 'REDIS_CLUSTER_NODES: "b" is not host:port'],
    [{ REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's:26379' }, 'REDIS_URL and REDIS_SENTINELS: set only one of them'],
    [{ REDIS_SENTINELS: 's:26379', REDIS_CLUSTER_NODES: 'a:7000', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS and REDIS_CLUSTER_NODES: set only one of them'],
    [{ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINEL_MASTER: only used with REDIS_SENTINELS, which is not set'],
    [{ REDIS_SENTINEL_PASSWORD: SECRET }, 'REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS, which is not set'],
    [{ REDIS_PASSWORD: SECRET }, 'REDIS_PASSWORD: set without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES'],
    [{ REDIS_WAIT_REPLICAS: '1' }, 'REDIS_WAIT_REPLICAS: set without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES'],
    [{ REDIS_URL: 'redis://r:6379', REDIS_DB: 'one' }, 'REDIS_DB: "one" is not a database number (0, 1, ...)'],
    [{ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: '-1' }, 'REDIS_WAIT_REPLICAS: "-1" is not a number of replicas (0, 1, ...)'],
    [{ REDIS_CLUSTER_NODES: 'a:7000', REDIS_DB: '1' }, 'REDIS_DB: "1" is not possible on a Redis Cluster (only database 0)'],
    [{ REDIS_CLUSTER_NODES: 'a:7000', REDIS_WAIT_REPLICAS: '1' }, 'REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES'],
    [{ REDIS_URL: `http://user:${SECRET}@r:6379` }, 'REDIS_URL: not a redis:// URL (use redis://[:password@]host:port[/db], or rediss:// for TLS)'],
    [{ REDIS_URL: `redis//:${SECRET}@r` }, 'REDIS_URL: not a URL (use redis://[:password@]host:port[/db] or rediss://...)'],
  ];
  for (const [env, message] of refused) {
    it(`refuses ${JSON.stringify(env).replaceAll(SECRET, '…')}`, () => {
      expect(() => redisTargetFromEnv(env)).to.throw(RedisTargetError, message);
      // The whole message, and never a password in it.
      try {
        redisTargetFromEnv(env);
      } catch (error) {
        expect((error as Error).message).to.equal(message);
        expect((error as Error).message).to.not.include(SECRET);
      }
    });
  }
});

describe('Redis target in log lines', () => {
  const cases: [RedisTarget, string][] = [
    [{ kind: 'url', url: `redis://:${SECRET}@redis:6379/2` }, 'redis://:***@redis:6379/2'],
    [{ kind: 'url', url: `rediss://bridge:${SECRET}@redis.example:6380` }, 'rediss://bridge:***@redis.example:6380'],
    [{ kind: 'url', url: `redis://redis:6379?password=${SECRET}` }, 'redis://redis:6379?password=***'],
    [{ kind: 'url', url: 'redis://redis:6379', password: SECRET }, 'redis://redis:6379'],
    [{ kind: 'url', url: '/run/redis/redis.sock' }, 'socket /run/redis/redis.sock'],
    [
      { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: '::1', port: 26380 }], masterName: 'mymaster', password: SECRET, sentinelPassword: SECRET },
      'master "mymaster" through sentinels s1:26379,[::1]:26380',
    ],
    [{ kind: 'cluster', nodes: [{ host: 'a', port: 7000 }], password: SECRET }, 'cluster nodes a:7000'],
  ];
  for (const [target, shown] of cases) {
    it(`shows ${shown}`, () => {
      expect(describeRedisTarget(target)).to.equal(shown);
    });
  }
});

describe('key prefix for the Redis target', () => {
  const cluster: RedisTarget = { kind: 'cluster', nodes: [{ host: 'a', port: 7000 }] };
  const single: RedisTarget = { kind: 'url', url: 'redis://r:6379' };
  const cases: [string, NodeJS.ProcessEnv, RedisTarget | undefined, string][] = [
    ['sla by default', {}, single, 'sla'],
    ['sla by default on the own Redis', {}, undefined, 'sla'],
    ['{sla} by default on a Cluster', {}, cluster, '{sla}'],
    ['a plain prefix on one server', { SLA_BRIDGE_PREFIX: 'team-a' }, single, 'team-a'],
    ['a hash-tagged prefix on a Cluster', { SLA_BRIDGE_PREFIX: '{team-a}' }, cluster, '{team-a}'],
    ['a tag inside the prefix on a Cluster', { SLA_BRIDGE_PREFIX: 'sla:{team-a}' }, cluster, 'sla:{team-a}'],
  ];
  for (const [name, env, target, prefix] of cases) {
    it(`takes ${name}`, () => {
      expect(keyPrefix(env, target)).to.equal(prefix);
    });
  }

  for (const prefix of ['sla', '{}', 'sla}{', '{sla']) {
    it(`refuses "${prefix}" on a Cluster: the keys would spread over slots`, () => {
      expect(() => keyPrefix({ SLA_BRIDGE_PREFIX: prefix }, cluster)).to.throw(RedisTargetError, `SLA_BRIDGE_PREFIX: "${prefix}" has no hash tag`);
    });
  }
});
