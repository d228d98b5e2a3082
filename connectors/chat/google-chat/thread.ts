/**
 * Messages about one issue share a thread. Google threads by `thread.threadKey` in the body when the
 * URL asks to reply (REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD: the first message starts the thread).
 * The key is a hash of the source and the tracker's stable issue id, so it survives a renamed or
 * moved issue and stays short and plain whatever characters the id contains.
 *
 * A message sent again (a retry after a timeout whose request did arrive, a replayed dead letter)
 * must not appear twice. The webhook URL calls spaces.messages.create, whose `requestId` makes the
 * call idempotent: a request ID Google has seen returns the message created with it instead of
 * creating another. The ID is a hash of the notification's id and the webhook, so it is the same on
 * every attempt for one channel and differs between channels.
 */
import { createHash } from 'node:crypto';

export const REPLY_OPTION = 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD';

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

export function threadKey(source: string, issueId: string): string {
  return `sla-bridge-${digest(source, issueId)}`;
}

export function requestId(notificationId: string, webhookUrl: string): string {
  return `sla-bridge-${digest(notificationId, webhookUrl)}`;
}

/**
 * The URL with `name=value` added. The webhook URL already has a query (`key`, `token`), so the
 * parameter is appended to the text as is: re-serializing through URLSearchParams could re-encode
 * the token. A parameter the config already sets is left alone. `value` must need no encoding.
 */
export function withQueryParameter(url: string, name: string, value: string): string {
  if (new URL(url).searchParams.has(name)) return url;
  const [base, fragment] = url.split('#', 2) as [string, string | undefined];
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${name}=${value}${fragment === undefined ? '' : `#${fragment}`}`;
}

/** The webhook URL with `messageReplyOption` added. */
export function threadedUrl(webhookUrl: string): string {
  return withQueryParameter(webhookUrl, 'messageReplyOption', REPLY_OPTION);
}

/** The URL a notification is posted to: threaded, and idempotent per (notification, webhook). */
export function messageUrl(webhookUrl: string, notificationId: string): string {
  return withQueryParameter(threadedUrl(webhookUrl), 'requestId', requestId(notificationId, webhookUrl));
}
