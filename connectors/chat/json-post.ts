import type { HttpPost } from './chat-channel.js';

/**
 * A JSON POST with the body serialized once, here: what is signed, logged and sent is this string.
 * JSON is UTF-8 by definition (RFC 8259), so the content type carries no charset.
 */
export function jsonPost(url: string, payload: unknown, headers: Readonly<Record<string, string>> = {}): HttpPost {
  return { url, method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}
