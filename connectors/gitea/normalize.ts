/**
 * A Gitea or Forgejo delivery as engine events. The X-Gitea-Event header says which event it is:
 * `issues` (opened, closed, labels, assignees, milestones...) or `issue_comment`; everything else,
 * pull requests above all, is ignored with the reason.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Normalized, WebhookDelivery } from '../connector.js';
import { commentActionEvents } from './comment-actions.js';
import { giteaEvent } from './delivery-headers.js';
import { issueActionEvents } from './issue-actions.js';
import { assigneeLogin, createdEvent, epochMs, labelNames, stillClosed, type GiteaSubject } from './issue-facts.js';
import { observedEvent } from './fact-events.js';
import { giteaIssueRef } from './issue-ref.js';
import type { GiteaPayload } from './payload-schema.js';
import { giteaShownFields } from './write-back.js';

const ignored = (reason: string): Normalized => ({ outcome: 'ignored', reason });

const PULL_REQUEST = /^pull_request/;

/**
 * Gitea sends pull request changes as `pull_request*` events, but a comment on a pull request is
 * an `issue_comment` like any other: its event type, `is_pull` and `issue.pull_request` tell.
 */
function isPullRequest(event: string, eventType: string | undefined, payload: GiteaPayload): boolean {
  return PULL_REQUEST.test(event) || PULL_REQUEST.test(eventType ?? '') || payload.is_pull === true || payload.issue?.pull_request != null;
}

/**
 * Every delivery restates the issue as it is now: its creation (unless this delivery is it), its
 * closing while it is closed, so an issue first heard of after it was closed is not left with
 * running clocks, and its fields at its last change (`updated_at`), which catch up a change whose
 * own delivery was lost (Gitea never retries). For an issue the bridge already knows, these are
 * repeats the clock ignores.
 */
function withCurrentState(subject: GiteaSubject, events: readonly IssueEvent[]): IssueEvent[] {
  const { source, issue } = subject;
  const opened = events.some((event) => event.type === 'created');
  const created = opened ? [] : [createdEvent(subject, true)];
  const observed = opened ? [] : [observedEvent(source, epochMs(issue.updated_at), labelNames(issue), issue.state, assigneeLogin(issue))];
  return [...created, ...events, ...stillClosed(issue, events), ...observed];
}

export function normalizeGiteaDelivery(source: Source, payload: GiteaPayload, delivery: WebhookDelivery): Normalized {
  const { event, eventType } = giteaEvent(delivery.headers);
  if (!event) return ignored('no X-Gitea-Event or X-Forgejo-Event header: cannot tell which event this is');
  if (isPullRequest(event, eventType, payload)) return ignored('pull requests are not covered');
  if (event !== 'issues' && event !== 'issue_comment') return ignored(`${event} events are not covered`);
  const { issue, repository } = payload;
  if (!issue || !repository) return ignored(`${event} event without an issue or repository`);

  const subject: GiteaSubject = { source, issue, repository };
  const result = event === 'issues' ? issueActionEvents(subject, payload.action) : commentActionEvents(subject, payload.action, payload.comment);
  if ('ignored' in result) return ignored(result.ignored);
  const shown = source.writeBack.enabled ? giteaShownFields(source.writeBack, issue) : {};
  const events = withCurrentState(subject, result.events);
  return { outcome: 'events', issue: giteaIssueRef(source, issue, repository), events, ...(Object.keys(shown).length > 0 ? { shown } : {}) };
}
