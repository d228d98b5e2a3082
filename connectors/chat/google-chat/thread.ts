/**
 * Messages about one issue share a thread. Google threads by `thread.threadKey` in the body when the
 * URL asks to reply (REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD: the first message starts the thread).
 * The key is a hash of the source and the tracker's stable issue id, so it survives a renamed or
 * moved issue and stays short and plain whatever characters the id contains.
 */
import { createHash } from 'node:crypto';

export const REPLY_OPTION = 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD';

export function threadKey(source: string, issueId: string): string {
  return `sla-bridge-${createHash('sha256').update(`${source}\u0000${issueId}`).digest('hex').slice(0, 32)}`;
}

/**
 * The webhook URL with `messageReplyOption` added. The URL already has a query (`key`, `token`), so
 * the option is appended to the text as is: re-serializing through URLSearchParams could re-encode
 * the token. An option the config already sets is left alone.
 */
export function threadedUrl(webhookUrl: string): string {
  if (new URL(webhookUrl).searchParams.has('messageReplyOption')) return webhookUrl;
  const [base, fragment] = webhookUrl.split('#', 2) as [string, string | undefined];
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}messageReplyOption=${REPLY_OPTION}${fragment === undefined ? '' : `#${fragment}`}`;
}
