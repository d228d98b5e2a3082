/**
 * One Jira issue's story from the REST API, told as the webhooks would have told it: the creation
 * with the fields as they were then (the changelog undone from the current fields), each history
 * entry through the same changelog rules at its own time, and each comment.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Normalized, TrackerRead } from '../connector.js';
import { changelogEvents } from './changelog-events.js';
import { commentEvent } from './comment-event.js';
import { currentState, stateBefore, type IssueState } from './issue-state.js';
import { createdEvents, issueRef, resolutionEvents } from './normalize.js';
import { apiRoot, isJiraCloud, jiraRead, query } from './rest-api.js';
import { jiraChangelogPageSchema, jiraCommentPageSchema, jiraRestIssueSchema, jiraWorklogPageSchema, type JiraHistory, type JiraRestComment, type JiraRestIssue } from './rest-schema.js';
import type { JiraWorklog } from './payload-schema.js';
import { worklogEvent } from './worklog-events.js';

const PAGE_SIZE = 100;

/** Search gives at most a page of histories; the rest comes from the issue itself. */
async function allHistories(source: Source, issue: JiraRestIssue, read: TrackerRead): Promise<JiraHistory[]> {
  const given = issue.changelog?.histories ?? [];
  if (issue.changelog?.total === undefined || given.length >= issue.changelog.total) return given;
  const url = `${apiRoot(source)}/issue/${encodeURIComponent(issue.id)}`;
  if (!isJiraCloud(source)) {
    // Data Center returns the whole changelog with the issue.
    const data = jiraRestIssueSchema.parse(await jiraRead(source, read, { url: `${url}?${query({ expand: 'changelog', fields: 'created' })}`, description: `jira ${source.id}: changelog of ${issue.key}` }));
    return data.changelog?.histories ?? given;
  }
  const histories: JiraHistory[] = [];
  for (let startAt = 0; ; ) {
    const page = jiraChangelogPageSchema.parse(
      await jiraRead(source, read, { url: `${url}/changelog?${query({ startAt, maxResults: PAGE_SIZE })}`, description: `jira ${source.id}: changelog of ${issue.key} from ${startAt}` }),
    );
    histories.push(...page.values);
    startAt += page.values.length;
    if (page.values.length === 0 || page.isLast === true || (page.total !== undefined && startAt >= page.total)) return histories;
  }
}

async function allComments(source: Source, issue: JiraRestIssue, read: TrackerRead): Promise<JiraRestComment[]> {
  const given = issue.fields.comment;
  if (!given || given.total === undefined || given.comments.length >= given.total) return given?.comments ?? [];
  const comments: JiraRestComment[] = [];
  for (let startAt = 0; ; ) {
    const page = jiraCommentPageSchema.parse(
      await jiraRead(source, read, {
        url: `${apiRoot(source)}/issue/${encodeURIComponent(issue.id)}/comment?${query({ startAt, maxResults: PAGE_SIZE })}`,
        description: `jira ${source.id}: comments of ${issue.key} from ${startAt}`,
      }),
    );
    comments.push(...page.comments);
    startAt += page.comments.length;
    if (page.comments.length === 0 || (page.total !== undefined && startAt >= page.total)) return comments;
  }
}

async function allWorklogs(source: Source, issue: JiraRestIssue, read: TrackerRead): Promise<JiraWorklog[]> {
  const given = issue.fields.worklog;
  if (!given || given.total === undefined || given.worklogs.length >= given.total) return given?.worklogs ?? [];
  const worklogs: JiraWorklog[] = [];
  for (let startAt = 0; ; ) {
    const page = jiraWorklogPageSchema.parse(
      await jiraRead(source, read, {
        url: `${apiRoot(source)}/issue/${encodeURIComponent(issue.id)}/worklog?${query({ startAt, maxResults: PAGE_SIZE })}`,
        description: `jira ${source.id}: worklogs of ${issue.key} from ${startAt}`,
      }),
    );
    worklogs.push(...page.worklogs);
    startAt += page.worklogs.length;
    if (page.worklogs.length === 0 || (page.total !== undefined && startAt >= page.total)) return worklogs;
  }
}

/** The issue after each history entry, oldest first, and as it was created (index 0). */
function statesThroughHistory(source: Source, now: IssueState, histories: readonly JiraHistory[]): IssueState[] {
  const states = [now];
  for (let i = histories.length - 1; i >= 0; i -= 1) states.unshift(stateBefore(source, states[0]!, histories[i]!.items));
  return states;
}

export async function jiraIssueHistory(source: Source, listed: unknown, read: TrackerRead): Promise<Normalized> {
  const issue = jiraRestIssueSchema.parse(listed);
  const now = currentState(source, issue.fields);
  if (!now) return { outcome: 'ignored', reason: `${issue.key}: the search result lacks the project or status` };
  const histories = [...(await allHistories(source, issue, read))].sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
  const states = statesThroughHistory(source, now, histories);
  const changes = histories.flatMap((history, i) =>
    changelogEvents(source, { at: history.created, items: history.items, before: states[i], after: states[i + 1] }),
  );
  const comments = (await allComments(source, issue, read)).flatMap((comment) => commentEvent(source, comment.created, comment));
  const worklogs = (await allWorklogs(source, issue, read)).map((worklog) => worklogEvent(worklog, issue.fields.created));
  const told: IssueEvent[] = [...createdEvents(source, issue, states[0], false), ...changes, ...comments, ...worklogs];
  // With the worklog field the worklogs are read in full: one the bridge has and they lack was deleted.
  return { outcome: 'events', issue: issueRef(source, issue), events: [...told, ...resolutionEvents(source, { issue, now }, told)], ...(issue.fields.worklog ? { allTimeRecords: true as const } : {}) };
}
