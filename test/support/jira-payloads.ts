/**
 * Jira Cloud webhook bodies for end-to-end tests, with Jira's field names, for project MB of the
 * megabite-standard contract (P1 = Highest, 4 h round the clock).
 */
import { DateTime } from 'luxon';

export interface JiraIssueFields {
  readonly id?: string;
  readonly key?: string;
  readonly summary?: string;
  readonly created: string;
  readonly priority?: string;
  readonly status?: string;
  readonly labels?: string[];
}

/** Jira's own timestamp format: `2026-11-30T09:00:00.000+0100`. */
export function jiraTime(iso: string): string {
  return DateTime.fromISO(iso, { setZone: true }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");
}

function issue(fields: JiraIssueFields) {
  const id = fields.id ?? '10001';
  const key = fields.key ?? 'MB-1';
  return {
    id,
    self: `https://jira.example.com/rest/api/2/issue/${id}`,
    key,
    fields: {
      summary: fields.summary ?? 'Mail server down',
      created: jiraTime(fields.created),
      updated: jiraTime(fields.created),
      priority: { self: 'https://jira.example.com/rest/api/2/priority/1', name: fields.priority ?? 'Highest', id: '1' },
      status: { name: fields.status ?? 'Open', id: '1', statusCategory: { id: 2, key: 'new', name: 'To Do' } },
      project: { id: '10000', key: 'MB', name: 'Mega Bite support' },
      components: [],
      labels: fields.labels ?? [],
      assignee: null,
      reporter: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Customer', emailAddress: 'it@customer.example' },
      issuetype: { name: 'Bug' },
    },
  };
}

const epoch = (iso: string) => DateTime.fromISO(iso).toMillis();

export function issueCreated(fields: JiraIssueFields) {
  return {
    timestamp: epoch(fields.created),
    webhookEvent: 'jira:issue_created',
    issue_event_type_name: 'issue_created',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Customer' },
    issue: issue(fields),
  };
}

export function priorityChanged(fields: JiraIssueFields, at: string, from: string, to: string) {
  return {
    timestamp: epoch(at),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_updated',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Customer' },
    issue: issue({ ...fields, priority: to }),
    changelog: { id: '10100', items: [{ field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: '3', fromString: from, to: '1', toString: to }] },
  };
}

export function commentCreated(fields: JiraIssueFields, at: string, author: { email: string; name: string }, id = '10200') {
  return {
    timestamp: epoch(at),
    webhookEvent: 'comment_created',
    comment: {
      self: `https://jira.example.com/rest/api/2/issue/${fields.id ?? '10001'}/comment/${id}`,
      id,
      author: { accountId: `acc-${author.name}`, displayName: author.name, emailAddress: author.email },
      body: 'We are looking into it.',
      created: jiraTime(at),
      updated: jiraTime(at),
      jsdPublic: true,
    },
    issue: issue(fields),
  };
}

/** A `jira:issue_updated` for one changed system field (`status`, `priority`), as Jira Cloud sends it. */
export function fieldChanged(fields: JiraIssueFields, at: string, field: 'status' | 'priority', from: string, to: string, historyId = '10101') {
  return {
    timestamp: epoch(at),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: field === 'status' ? 'issue_generic' : 'issue_updated',
    user: { accountId: 'acc-agent', displayName: 'Agent' },
    issue: issue({ ...fields, [field]: to }),
    changelog: { id: historyId, items: [{ field, fieldtype: 'jira', fieldId: field, from: null, fromString: from, to: null, toString: to }] },
  };
}

/** A Jira Server user, named by login (no accountId). */
function serverUser(author: { email: string; name: string }) {
  return { self: `https://jira.example.com/rest/api/2/user?username=${author.name}`, name: author.name, key: author.name, emailAddress: author.email, displayName: author.name, active: true };
}

function serverComment(issueId: string, at: string, author: { email: string; name: string }, id: string) {
  return {
    self: `https://jira.example.com/rest/api/2/issue/${issueId}/comment/${id}`,
    id,
    author: serverUser(author),
    body: 'We are looking into it.',
    updateAuthor: serverUser(author),
    created: jiraTime(at),
    updated: jiraTime(at),
  };
}

/** Jira Server's `comment_created`: no `issue`, only the comment, whose `self` names the issue by id. */
export function serverCommentCreated(issueId: string, at: string, author: { email: string; name: string }, id = '10300') {
  return { timestamp: epoch(at), webhookEvent: 'comment_created', comment: serverComment(issueId, at, author, id) };
}

/** The `jira:issue_updated` (`issue_commented`) Jira sends for the same new comment, with the whole issue. */
export function issueCommented(fields: JiraIssueFields, at: string, author: { email: string; name: string }, id = '10300') {
  return {
    timestamp: epoch(at),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_commented',
    user: serverUser(author),
    issue: issue(fields),
    comment: serverComment(fields.id ?? '10001', at, author, id),
  };
}
