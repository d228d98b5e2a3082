/**
 * The API's browser session: a cookie holding an expiry time and an HMAC over it, keyed by a key
 * derived from the API token. Nothing is stored server-side and the token itself never leaves the
 * login request; rotating SLA_BRIDGE_API_TOKEN changes the key and so ends every session.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'sla_bridge_session';
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

const VERSION = 'v1';
const MAC_BYTES = 32;

export type SessionCheck = 'valid' | 'expired' | 'invalid';

// A purpose label keeps this key apart from anything else a token-keyed HMAC might ever be used for.
const sessionKey = (token: string) => createHmac('sha256', token).update('sla-bridge session cookie').digest();

const mac = (token: string, expiresAt: number) => createHmac('sha256', sessionKey(token)).update(`${VERSION}.${expiresAt}`).digest();

/** A cookie value valid until `now + lifetimeMs`. */
export function issueSession(token: string, now: number, lifetimeMs = SESSION_LIFETIME_MS): { value: string; expiresAt: number } {
  const expiresAt = now + lifetimeMs;
  return { value: `${VERSION}.${expiresAt}.${mac(token, expiresAt).toString('base64url')}`, expiresAt };
}

/**
 * Expired only when the MAC matches: an expiry someone edited is invalid, not expired. An expiry
 * further away than one lifetime cannot come from `issueSession` with this lifetime, so it is invalid too.
 */
export function checkSession(token: string, value: string, now: number, lifetimeMs = SESSION_LIFETIME_MS): SessionCheck {
  const match = /^v1\.(\d{1,16})\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!match) return 'invalid';
  const expiresAt = Number(match[1]);
  const given = Buffer.from(match[2]!, 'base64url');
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(token, expiresAt))) return 'invalid';
  if (expiresAt > now + lifetimeMs) return 'invalid';
  return expiresAt > now ? 'valid' : 'expired';
}

/** One cookie's value from a Cookie header; undefined when absent or not decodable. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
