/**
 * A GitLab delivery as engine events. `X-Gitlab-Event` says which hook it is: Issue Hook (also for
 * incidents and the other work item types) and Note Hook, each also as its Confidential variant;
 * everything else is ignored with the reason.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Normalized, WebhookDelivery } from '../connector.js';
import { gitlabEvent, ISSUE_EVENTS, NOTE_EVENTS } from './delivery-headers.js';
import { observedEvent, resolvedEvent, type IssueFacts } from './fact-events.js';
import { epochMs, factsOf, isCoveredType, projectPath, shownAssignee, shownLabels } from './issue-facts.js';
import { createdEvent, issueHookEvents, issueSubject, type IssueSubject } from './issue-hook-events.js';
import { gitlabIssueRef } from './issue-ref.js';
import { noteHookEvents } from './note-hook-events.js';
import { isIssueHook, isNoteHook, type GitlabIssue, type GitlabPayload } from './payload-schema.js';
import { gitlabShownFields } from './write-back.js';

const ignored = (reason: string): Normalized => ({ outcome: 'ignored', reason });

/** The observed fields a payload shows: status, pause and priority only with the labels. */
function observed(source: Source, issue: GitlabIssue, facts: IssueFacts, labelsShown: boolean, assignee: string | null | undefined): IssueEvent {
  const event = observedEvent(source, epochMs(issue.updated_at), facts, assignee);
  if (labelsShown || event.type !== 'observed') return event;
  const { status: _status, paused: _paused, priority: _priority, ...rest } = event;
  return rest;
}

/**
 * Every delivery restates the issue as it is now: its creation (unless this delivery is it), its
 * closing while it is closed (an issue first heard of after it was closed must not keep running
 * clocks), and its fields at its last change, which catch up a change whose own delivery was lost.
 */
function withCurrentState(subject: IssueSubject, issue: GitlabIssue, events: readonly IssueEvent[]): IssueEvent[] {
  const opened = events.some((event) => event.type === 'created');
  const created = opened ? [] : [createdEvent(subject, true)];
  const closed = subject.facts.state === 'closed' && issue.closed_at && !events.some((event) => event.type === 'resolved') ? [resolvedEvent(epochMs(issue.closed_at))] : [];
  const seen = opened ? [] : [observed(subject.source, issue, subject.facts, subject.labelsShown, subject.assignee)];
  return [...created, ...events, ...closed, ...seen];
}

function shownOf(source: Source, subject: IssueSubject, issue: GitlabIssue): { shown?: Record<string, string | null> } {
  if (!source.writeBack.enabled) return {};
  const shown = gitlabShownFields(source.writeBack, issue, subject.labelsShown ? subject.facts.labels : undefined);
  return Object.keys(shown).length > 0 ? { shown } : {};
}

export function normalizeGitlabDelivery(source: Source, payload: GitlabPayload, delivery: WebhookDelivery): Normalized {
  const event = gitlabEvent(delivery.headers);
  if (!event) return ignored('no X-Gitlab-Event header: cannot tell which event this is');
  const isIssueEvent = ISSUE_EVENTS.has(event);
  if (!isIssueEvent && !NOTE_EVENTS.has(event)) return ignored(`${event} events are not covered`);

  if (isIssueEvent) {
    if (!isIssueHook(payload)) return ignored(`${event} without an issue (object_kind ${JSON.stringify(payload.object_kind ?? null)})`);
    const issue = payload.object_attributes;
    if (!isCoveredType(issue.type)) return ignored(`${issue.type} work items are not covered`);
    const project = projectPath(source, payload.project, payload.repository?.homepage);
    if (!project) return ignored(`${event} without the project's path`);
    const subject = issueSubject(source, project, payload);
    const result = issueHookEvents(subject, payload);
    if ('ignored' in result) return ignored(result.ignored);
    return { outcome: 'events', issue: gitlabIssueRef(source, project, issue, payload.project?.web_url), events: withCurrentState(subject, issue, result.events), ...shownOf(source, subject, issue) };
  }

  if (!isNoteHook(payload)) return ignored(`${event} without a note (object_kind ${JSON.stringify(payload.object_kind ?? null)})`);
  const noteable = payload.object_attributes.noteable_type;
  if (noteable !== 'Issue') return ignored(`comments on ${noteable} are not covered`);
  const issue = payload.issue;
  if (!issue) return ignored('a comment on an issue without the issue');
  if (!isCoveredType(issue.type)) return ignored(`comments on ${issue.type} work items are not covered`);
  const project = projectPath(source, payload.project, payload.repository?.homepage);
  if (!project) return ignored(`${event} without the project's path`);
  const result = noteHookEvents(source, payload, event);
  if ('ignored' in result) return ignored(result.ignored);
  const labels = shownLabels(issue);
  const subject: IssueSubject = {
    source,
    project,
    issue,
    facts: factsOf(issue, labels),
    labelsShown: labels !== undefined,
    assignee: shownAssignee(issue),
  };
  return { outcome: 'events', issue: gitlabIssueRef(source, project, issue, payload.project?.web_url), events: withCurrentState(subject, issue, result.events), ...shownOf(source, subject, issue) };
}
