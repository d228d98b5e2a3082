/**
 * The unguessable part of a feed's URL. Calendar clients send no headers, so the URL is the
 * credential: an HMAC-SHA256 of the feed's scope under SLA_BRIDGE_ICAL_SECRET. Nothing is stored,
 * a token opens only its own scope, and a new secret revokes every URL handed out.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type FeedKind = 'contract' | 'assignee' | 'team';
export const FEED_KINDS: readonly FeedKind[] = ['contract', 'assignee', 'team'];

export interface FeedScope {
  readonly kind: FeedKind;
  /** The contract id, the tracker user's name, or the team id. */
  readonly id: string;
}

/** What the token signs: `contract:<id>`, `assignee:<name>`, `team:<id>`. */
export const scopeText = (scope: FeedScope) => `${scope.kind}:${scope.id}`;

/** A secret shorter than this is refused at start: the feed URLs are only as strong as it is. */
export const MIN_SECRET_LENGTH = 32;

/** What is wrong with a secret, or undefined when it will do. */
export function icalSecretProblem(secret: string): string | undefined {
  if (secret.length >= MIN_SECRET_LENGTH) return undefined;
  return `SLA_BRIDGE_ICAL_SECRET: ${secret.length} characters, at least ${MIN_SECRET_LENGTH} needed (for instance: openssl rand -base64 32)`;
}

export function checkIcalSecret(secret: string): void {
  const problem = icalSecretProblem(secret);
  if (problem) throw new Error(problem);
}

// Keeps these tokens apart from any other HMAC someone might compute under the same secret.
const DOMAIN = 'sla-bridge ical feed v1\n';

export function feedToken(secret: string, scope: FeedScope): string {
  return createHmac('sha256', secret).update(DOMAIN + scopeText(scope)).digest('base64url');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant time whatever the given token's length: the digests are compared, not the strings. */
export function tokenMatches(secret: string, scope: FeedScope, given: string): boolean {
  return timingSafeEqual(digest(given), digest(feedToken(secret, scope)));
}

/** The path of a feed under the bridge's root. */
export function feedPath(secret: string, scope: FeedScope): string {
  return `/ical/${scope.kind}/${encodeURIComponent(scope.id)}/${feedToken(secret, scope)}.ics`;
}
