/**
 * A GitHub delivery as engine events. X-GitHub-Event says which event it is: `issues` or
 * `issue_comment`; `ping` (sent when a hook is created, or by its "Redeliver"/"Test" buttons) is
 * answered with what the hook is subscribed to; pull requests and everything else are ignored with
 * the reason.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Normalized, WebhookDelivery } from '../connector.js';
import { commentActionEvents } from './comment-actions.js';
import { githubEvent } from './delivery-headers.js';
import { observedEvent } from './fact-events.js';
import { issueActionEvents, type IssueSubject } from './issue-actions.js';
import { createdEvent, epochMs, shownIssue, stillClosed } from './issue-facts.js';
import { githubIssueRef } from './issue-ref.js';
import type { GithubPayload } from './payload-schema.js';
import { githubShownFields } from './write-back.js';

const ignored = (reason: string): Normalized => ({ outcome: 'ignored', reason });

const COVERED = ['issues', 'issue_comment'];

function pingReason(payload: GithubPayload): string {
  const events = payload.hook?.events ?? [];
  const missing = events.includes('*') ? [] : COVERED.filter((event) => !events.includes(event));
  const hook = payload.hook_id != null ? `hook ${payload.hook_id}` : 'the hook';
  return missing.length === 0
    ? `ping from ${hook}: the webhook reaches the bridge`
    : `ping from ${hook}: the webhook reaches the bridge, but it does not send ${missing.join(' or ')} events; subscribe it to them`;
}

/**
 * Every delivery restates the issue as it is now: its creation (unless this delivery is it), its
 * closing while it is closed, and its fields at its last change (`updated_at`), which catch up a
 * change whose own delivery was lost (GitHub never retries). A deletion restates nothing.
 */
function withCurrentState({ source, issue, project }: IssueSubject, events: readonly IssueEvent[]): IssueEvent[] {
  const opened = events.some((event) => event.type === 'created');
  const gone = events.some((event) => event.type === 'deleted');
  const created = opened ? [] : [createdEvent(source, project, issue, true)];
  const observed = opened || gone ? [] : [observedEvent(source, epochMs(issue.updated_at), shownIssue(issue))];
  return [...created, ...events, ...(gone ? [] : stillClosed(issue, events)), ...observed];
}

export function normalizeGithubDelivery(source: Source, payload: GithubPayload, delivery: WebhookDelivery): Normalized {
  const event = githubEvent(delivery.headers);
  if (!event) return ignored('no X-GitHub-Event header: cannot tell which event this is');
  if (event === 'ping') return ignored(pingReason(payload));
  if (event.startsWith('pull_request') || payload.issue?.pull_request != null) return ignored('pull requests are not covered');
  if (!COVERED.includes(event)) return ignored(`${event} events are not covered`);
  const { issue, repository } = payload;
  if (!issue || !repository) return ignored(`${event} event without an issue or repository`);

  const subject: IssueSubject = { source, issue, project: repository.full_name };
  const result = event === 'issues' ? issueActionEvents(subject, payload.action) : commentActionEvents(source, payload.action, payload.comment);
  if ('ignored' in result) return ignored(result.ignored);
  const events = withCurrentState(subject, result.events);
  const gone = events.some((candidate) => candidate.type === 'deleted');
  const shown = source.writeBack.enabled && !gone ? githubShownFields(source.writeBack, issue) : {};
  const ref = githubIssueRef(source, issue, repository.full_name, repository.html_url);
  return { outcome: 'events', issue: ref, events, ...(Object.keys(shown).length > 0 ? { shown } : {}) };
}
