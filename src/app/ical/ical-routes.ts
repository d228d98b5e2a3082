/**
 * The feeds under /ical/ (no bearer: the URL's token is the credential, see feed-token.ts) and the
 * bearer-only list of their URLs at GET /api/ical, for an operator to hand out.
 *
 * A feed whose token is wrong is a plain 404, like a path that does not exist, and counts as a wrong
 * API token against the client (login-throttle.ts): guessing feed tokens is as slow as guessing the
 * API token, and a client over the limit gets 429 here too.
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Contract } from '../../domain/contract.js';
import { clientKey, type LoginThrottle } from '../http/login-throttle.js';
import type { Logger } from '../logger.js';
import type { IssueStore } from '../store/issue-store.js';
import { deadlineEvents, type FeedFilter } from './deadline-events.js';
import { feedCalendar } from './feed-calendar.js';
import type { FeedRevisions } from './feed-revisions.js';
import { feedPath, tokenMatches, type FeedKind, type FeedScope } from './feed-token.js';

export interface IcalDeps {
  /** SLA_BRIDGE_ICAL_SECRET; undefined: every feed is a 404 and GET /api/ical says how to enable them. */
  readonly secret: string | undefined;
  readonly store: IssueStore;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly revisions: FeedRevisions;
  readonly throttle: LoginThrottle;
  readonly now: () => number;
  readonly logger: Logger;
  /** The tracker users of a team; undefined for a team that does not exist (its feed is a 404). */
  readonly teamMembers: (teamId: string) => readonly string[] | undefined;
  /** The teams whose feeds GET /api/ical lists. */
  readonly teamIds: () => readonly string[];
}

const DISABLED = 'iCalendar feeds are disabled: set SLA_BRIDGE_ICAL_SECRET (at least 32 characters, e.g. from openssl rand -base64 32) and restart the bridge';
const notFound = (response: Response) => void response.status(404).json({ error: 'not found' });

/** Which issues a scope's feed shows, or undefined when the scope names nothing (an unknown contract or team). */
function filterOf(deps: IcalDeps, scope: FeedScope): { filter: FeedFilter; name: string; zone: string | undefined } | undefined {
  if (scope.kind === 'contract') {
    const contract = deps.contracts.get(scope.id);
    return contract && { filter: { contract: contract.id }, name: `SLA deadlines: ${contract.customer} (${contract.id})`, zone: contract.calendar.zone };
  }
  // A person's deadlines may come from several contracts: their zone, when they all have the same one.
  const zones = new Set([...deps.contracts.values()].map((contract) => contract.calendar.zone));
  const zone = zones.size === 1 ? [...zones][0] : undefined;
  if (scope.kind === 'assignee') return { filter: { assignees: new Set([scope.id]) }, name: `SLA deadlines: ${scope.id}`, zone };
  const members = deps.teamMembers(scope.id);
  return members && { filter: { assignees: new Set(members) }, name: `SLA deadlines: team ${scope.id}`, zone };
}

/** Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 13.1.2). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

async function serveFeed(deps: IcalDeps, kind: FeedKind, request: Request, response: Response): Promise<void> {
  const secret = deps.secret;
  if (!secret) return notFound(response);
  const client = clientKey(request.ip);
  const waitMs = await deps.throttle.retryAfterMs(client);
  if (waitMs !== undefined) {
    response.set('Retry-After', String(Math.ceil(waitMs / 1000)));
    return void response.status(429).json({ error: 'too many wrong tokens from this client: retry later' });
  }
  const id = String(request.params.id);
  const file = /^([A-Za-z0-9_-]{1,100})\.ics$/.exec(String(request.params.file));
  const scope = { kind, id };
  if (!file || !tokenMatches(secret, scope, file[1]!)) {
    await deps.throttle.failed(client);
    return notFound(response);
  }
  const chosen = filterOf(deps, scope);
  if (!chosen) return notFound(response);
  const now = deps.now();
  const events = deadlineEvents(await deps.store.loadStates(await deps.store.listIssues()), chosen.filter);
  const body = feedCalendar({ name: chosen.name, zone: chosen.zone, events, revisions: await deps.revisions.revise(events, now), now });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  // The URL is a credential: no shared cache may keep the answer.
  response.set({ ETag: etag, 'Cache-Control': 'private, no-cache' });
  if (matchesEtag(request.get('if-none-match'), etag)) return void response.status(304).end();
  response.set('Content-Disposition', `inline; filename="sla-${kind}.ics"`);
  response.type('text/calendar; charset=utf-8').send(body);
}

/** GET /ical/{contract,assignee,team}/:id/:token.ics */
export function icalRouter(deps: IcalDeps): Router {
  const router = express.Router();
  for (const kind of ['contract', 'assignee', 'team'] as const) {
    router.get(`/${kind}/:id/:file`, (request, response) =>
      serveFeed(deps, kind, request, response).catch((error: unknown) => {
        // Not to the app's error handler: it logs the path, and the path holds the feed's token.
        deps.logger.error('iCalendar feed failed', { component: 'ical', kind, error: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent) response.status(503).set('Retry-After', '60').json({ error: 'the feed cannot be read now: retry later' });
      }),
    );
  }
  return router;
}

/** The assignees the bridge knows from the issues it keeps, sorted. */
async function knownAssignees(store: IssueStore): Promise<string[]> {
  const states = await store.loadStates(await store.listIssues());
  const names = new Set(states.flatMap((state) => (state.sla.covered && !state.sla.deleted && state.sla.assignee ? [state.sla.assignee] : [])));
  return [...names].sort();
}

/**
 * GET /api/ical, behind apiAuth and with the bearer header only: the URLs are credentials, and a
 * session cookie (which a browser sends by itself) should not be enough to read them.
 */
export function icalListRoute(deps: IcalDeps | undefined) {
  return async (request: Request, response: Response) => {
    if (!/^Bearer\s+\S/i.test(request.get('authorization') ?? '')) {
      response.set('WWW-Authenticate', 'Bearer realm="sla-bridge"');
      return void response.status(401).json({ error: 'the feed URLs are credentials: GET /api/ical needs Authorization: Bearer <SLA_BRIDGE_API_TOKEN>', reason: 'bearer-required' });
    }
    const secret = deps?.secret;
    if (!deps || !secret) return void response.status(404).json({ error: DISABLED, reason: 'disabled' });
    const base = `${request.protocol}://${request.get('host')}`;
    const feed = (kind: FeedKind, id: string) => ({ kind, id, url: `${base}${feedPath(secret, { kind, id })}` });
    response.set('Cache-Control', 'no-store').json({
      feeds: [
        ...[...deps.contracts.keys()].sort().map((id) => feed('contract', id)),
        ...(await knownAssignees(deps.store)).map((name) => feed('assignee', name)),
        ...[...deps.teamIds()].sort().map((id) => feed('team', id)),
      ],
      revoke: 'a new SLA_BRIDGE_ICAL_SECRET revokes every feed URL',
    });
  };
}
