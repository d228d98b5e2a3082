/**
 * POST /webhooks/:sourceId: verify the raw body, parse, validate, normalize, queue, answer. No
 * tracker calls and no SLA computation happen here; the workers do that.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { type ConnectorRegistry, type WebhookDelivery, connectorOf } from '../../../connectors/connector.js';
import { markContactFacts } from '../../../connectors/shared/acceptance-marks.js';
import type { Source, SourceKind } from '../../config/source.js';
import { clampToArrival } from '../../domain/clock-skew.js';
import type { Contract } from '../../domain/contract.js';
import { approvalKeywords } from '../../domain/hours-approval.js';
import { signoffKeywords } from '../../domain/signoff-rule.js';
import { formatPath } from '../../config/load-config.js';
import type { AgentDirectory } from '../store/agent-directory.js';
import type { DeliveryIntake } from './delivery-intake.js';
import { redisCondition, type RedisHealth } from '../store/redis-health.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics, WebhookOutcome } from '../metrics.js';
import { BODY_FIELD, refusalField } from './refusal-field.js';
import { describeViolation, jsonLimitViolation } from './json-limits.js';

export interface WebhookRouteDeps {
  readonly sources: ReadonlyMap<string, Source>;
  readonly metrics: BridgeMetrics;
  readonly connectors: ConnectorRegistry;
  readonly intake: DeliveryIntake;
  /** Told when Redis refuses a delivery: it logs why once, not once per delivery. */
  readonly health: RedisHealth;
  /** Counts the members of a source's agent groups among its agents. */
  readonly agents: AgentDirectory;
  /** For the keywords of sign-offs by note, which are looked for in comments. */
  readonly contracts?: ReadonlyMap<string, Contract>;
  readonly now: () => number;
  readonly logger: Logger;
}

const RETRY_AFTER_SECONDS = 5;
/**
 * Clocks kept by NTP differ by milliseconds, and an event stamped that little after its arrival is
 * clamped without a word; from a second on, the tracker's clock is off and the log says so.
 */
const CLOCK_AHEAD_LOGGED_MS = 1_000;

/** application/json, with or without parameters (Jira adds `; charset=utf-8`). */
function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType.trim());
}

/** V8 quotes the start of the body in some of its JSON errors, and a body may hold a secret (Gitea 1.10-1.14 put one there): the quote is left out. */
function jsonError(error: Error): string {
  return error.message.replace(/, .* is not valid JSON$/s, ' (not valid JSON)');
}

type Response = ServerResponse;

/**
 * The answer as node writes it: express's `res.json` would add an ETag (a hash of the body) and
 * its own bookkeeping, which a tracker never reads, on the path that takes the most requests.
 */
function reply(response: Response, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

/** The raw body of one source, within its size limit; 413 and 400 are answered here. */
function rawBody(limit: number): RequestHandler {
  return express.raw({ type: () => true, limit });
}

function counted(deps: WebhookRouteDeps, source: string, outcome: WebhookOutcome, response: Response, status: number, body: Record<string, unknown>): void {
  deps.metrics.webhook(source, outcome);
  reply(response, status, body);
}

/**
 * A 400: the bridge cannot act on what the tracker sent, and no tracker retries a 400, so the event
 * is lost. Counted by field, so that a tracker release that changed its payloads is seen.
 */
function refused(deps: WebhookRouteDeps, source: string, field: string, response: Response, body: Record<string, unknown>): void {
  deps.metrics.refusal(source, field);
  counted(deps, source, 'rejected', response, 400, body);
}

/**
 * POST /webhooks/:sourceId, `sourceId` taken from the path: what the express route and the lean
 * listener (./webhook-listener.ts) both call.
 */
export type WebhookHandler = (request: IncomingMessage, response: ServerResponse, sourceId: string) => void;

export function webhookHandler(deps: WebhookRouteDeps): WebhookHandler {
  // By size limit, made when first needed: the sources may change while the bridge runs (a reload).
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (limit: number) => parsers.get(limit) ?? parsers.set(limit, rawBody(limit)).get(limit)!;
  const log = deps.logger.child({ component: 'webhooks' });

  return (request, response, sourceId) => {
    const source = deps.sources.get(sourceId);
    // Unknown source ids are not counted by name: a scanner must not grow the label set.
    if (!source) return counted(deps, 'unknown', 'rejected', response, 404, { error: `unknown source "${sourceId}"` });
    const contentType = request.headers['content-type'];
    if (!isJson(contentType)) {
      return counted(deps, sourceId, 'rejected', response, 415, { error: `expected Content-Type application/json, got ${contentType ?? 'none'}` });
    }
    // body-parser reads node's own request as well as express's (it inflates gzip, counts the limit).
    parserFor(source.bodyLimitBytes)(request as Request, response as never, (error?: unknown) => {
      if (error) {
        const type = (error as { type?: string }).type;
        if (type === 'entity.too.large') return counted(deps, sourceId, 'rejected', response, 413, { error: `body larger than ${source.bodyLimitBytes} bytes` });
        return refused(deps, sourceId, BODY_FIELD, response, { error: `could not read the body: ${(error as Error).message}` });
      }
      const body = (request as IncomingMessage & { body?: unknown }).body;
      const rawBody = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      handleDelivery(deps, source, connectorOf(deps.connectors, source.kind), { headers: request.headers, rawBody }, response, log).catch((failure: unknown) => {
        log.error('webhook failed', { source: sourceId, error: (failure as Error).message });
        if (!response.headersSent) reply(response, 500, { error: 'internal error' });
      });
    });
  };
}

async function handleDelivery(
  deps: WebhookRouteDeps,
  source: Source,
  connector: ConnectorRegistry[SourceKind],
  delivery: WebhookDelivery,
  response: Response,
  log: Logger,
): Promise<void> {
  const verdict = connector.verify(source, delivery);
  if (!verdict.ok) {
    log.warn('webhook refused', { source: source.id, reason: verdict.reason });
    return counted(deps, source.id, 'rejected', response, 401, { error: verdict.reason });
  }
  let json: unknown;
  try {
    json = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch (error) {
    return refused(deps, source.id, BODY_FIELD, response, { error: `malformed JSON: ${jsonError(error as Error)}` });
  }
  // Before the schema: what comes after recurses, and a hostile sender's nesting must not reach it.
  const violation = jsonLimitViolation(json, source.jsonLimits);
  if (violation) {
    log.warn('webhook refused', { source: source.id, reason: `${violation.limit} limit`, path: violation.path });
    return counted(deps, source.id, 'rejected', response, 413, { error: describeViolation(violation), limit: violation.limit === 'depth' ? 'webhook.depth_limit' : 'webhook.array_limit', field: violation.path });
  }
  const parsed = connector.payloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = formatPath(issue.path) || BODY_FIELD;
    return refused(deps, source.id, refusalField(issue.path), response, { error: `${field}: ${issue.message}`, field });
  }
  const agentSource = await deps.agents.sourceFor(source);
  const normalized = connector.normalize(agentSource, parsed.data, delivery);
  if (normalized.outcome === 'ignored') return counted(deps, source.id, 'ignored', response, 200, { status: 'ignored', reason: normalized.reason });

  const deliveryId = connector.deliveryId(delivery) ?? `sha256:${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  const receivedAt = deps.now();
  // Nothing happened after it arrived: a stamp in the bridge's future is the tracker's clock (see clock-skew.ts).
  const { events, clamped, aheadMs } = clampToArrival(markContactFacts(agentSource, normalized.events, connector.people?.(parsed.data, delivery) ?? {}, [...signoffKeywords(deps.contracts?.values() ?? []), ...approvalKeywords(deps.contracts?.values() ?? [])]), receivedAt);
  try {
    const outcome = await deps.intake.acceptNew(
      { sourceId: source.id, deliveryId, receivedAt, issue: normalized.issue, events, ...(normalized.shown ? { shown: normalized.shown } : {}) },
      source.dedupWindowMs,
    );
    if (outcome === 'duplicate') {
      return counted(deps, source.id, 'duplicate', response, 200, { status: 'duplicate', reason: `delivery ${deliveryId} was already accepted`, deliveryId });
    }
  } catch (error) {
    const known = deps.health.report(error);
    log.log(known ? 'debug' : 'error', 'could not store a delivery', { source: source.id, deliveryId, error: (error as Error).message });
    const condition = redisCondition(error);
    const why = condition?.state !== 'cannot-write' ? 'Redis unreachable' : condition.reason.startsWith('READONLY') ? 'Redis is changing masters' : 'Redis cannot write to its disk';
    response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    return counted(deps, source.id, 'unavailable', response, 503, { error: `the bridge cannot store events right now (${why}); retry later` });
  }
  if (clamped > 0) deps.metrics.clamped(source.id, clamped);
  // Once per delivery: a retry of one that was not accepted is not logged twice.
  if (aheadMs >= CLOCK_AHEAD_LOGGED_MS) {
    log.warn(`events stamped ${Math.round(aheadMs / 1000)} s after they arrived, taken as happening on arrival: is the tracker's clock ahead?`, {
      source: source.id,
      deliveryId,
      issue: normalized.issue.key,
      aheadMs,
      clamped,
    });
  }
  counted(deps, source.id, 'accepted', response, 202, { status: 'accepted', deliveryId, issue: normalized.issue.key, events: events.length });
}
