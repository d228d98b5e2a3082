/**
 * The headers GitLab's WebHookService#build_headers sends (gitlab-org/gitlab
 * `app/services/web_hook_service.rb`, `lib/gitlab/web_hooks.rb`): `X-Gitlab-Event` always,
 * `X-Gitlab-Token` when the hook has a secret token, `X-Gitlab-Event-UUID` from 14.8,
 * `X-Gitlab-Instance` from 15.5, `X-Gitlab-Webhook-UUID` from 16.2, `Idempotency-Key` from 17.4,
 * and the Standard Webhooks `webhook-id`, `webhook-timestamp` and `webhook-signature` when the hook
 * has a signing token.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from '../shared/hmac.js';

export const header = (headers: IncomingHttpHeaders, name: string): string | undefined => headerValue(headers[name])?.trim() || undefined;

/**
 * `Issue Hook`, `Confidential Issue Hook`, `Note Hook`, `Confidential Note Hook` … : the hook
 * list's name singularised and titleized (`WebHookService.hook_to_event`).
 */
export const gitlabEvent = (headers: IncomingHttpHeaders): string | undefined => header(headers, 'x-gitlab-event');

export const ISSUE_EVENTS: ReadonlySet<string> = new Set(['Issue Hook', 'Confidential Issue Hook']);
export const NOTE_EVENTS: ReadonlySet<string> = new Set(['Note Hook', 'Confidential Note Hook']);
