/**
 * The delivery headers Gitea and Forgejo send. Forgejo sends every Gitea header too and adds its
 * own X-Forgejo-* copies, so a Forgejo header is read first and the Gitea one is the fallback.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from '../shared/hmac.js';

/** The first non-empty value among the headers: an unsigned Gitea sends `X-Gitea-Signature: ""`. */
export function firstHeader(headers: IncomingHttpHeaders, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headerValue(headers[name]);
    if (value) return value;
  }
  return undefined;
}

export interface GiteaEvent {
  /** `issues` (also for assign, label and milestone changes), `issue_comment`, `pull_request`, `push`... */
  readonly event: string | undefined;
  /** The finer type: `issue_label`, `issue_assign`, `pull_request_comment`... */
  readonly eventType: string | undefined;
}

export function giteaEvent(headers: IncomingHttpHeaders): GiteaEvent {
  return {
    event: firstHeader(headers, ['x-forgejo-event', 'x-gitea-event']),
    eventType: firstHeader(headers, ['x-forgejo-event-type', 'x-gitea-event-type']),
  };
}
