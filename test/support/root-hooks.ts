import { stopSharedRedis } from './redis-server.js';

/** Mocha root hooks: the shared test Redis is stopped once, after the whole run. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedRedis();
  },
};
