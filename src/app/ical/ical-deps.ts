/** The feeds' dependencies, as the HTTP side (../http/server.ts) builds them. */
import type { Contract } from '../../domain/contract.js';
import type { LoginThrottle } from '../http/login-throttle.js';
import type { Logger } from '../logger.js';
import type { IssueStore } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';
import { FeedRevisions } from './feed-revisions.js';
import { checkIcalSecret } from './feed-token.js';
import type { IcalDeps } from './ical-routes.js';

export interface IcalParts {
  readonly secret: string | undefined;
  readonly store: IssueStore;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly throttle: LoginThrottle;
  readonly now: () => number;
  readonly logger: Logger;
  /** The teams (issue 18's duty rota); none until that config is wired in. */
  readonly teamMembers?: (teamId: string) => readonly string[] | undefined;
  readonly teamIds?: () => readonly string[];
}

/** Refuses a secret too short to sign URLs with, naming the variable. */
export function icalDeps(parts: IcalParts): IcalDeps {
  if (parts.secret !== undefined) checkIcalSecret(parts.secret);
  return {
    secret: parts.secret,
    store: parts.store,
    contracts: parts.contracts,
    revisions: new FeedRevisions(parts.redis, parts.prefix),
    throttle: parts.throttle,
    now: parts.now,
    logger: parts.logger,
    teamMembers: parts.teamMembers ?? (() => undefined),
    teamIds: parts.teamIds ?? (() => []),
  };
}
