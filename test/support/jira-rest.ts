/**
 * One Jira issue's story, told twice: as the webhooks Jira Cloud sends while it happens, and as
 * its REST API returns the issue afterwards (search result with changelog and comments). Jira
 * stamps a webhook when it raises it, a little after the change is saved, hence `webhookLagMs`.
 */
import { DateTime } from 'luxon';
import { commentCreated, fieldChanged, issueCreated, jiraTime, type JiraIssueFields } from './jira-payloads.js';

export interface JiraStory {
  readonly id: string;
  readonly key: string;
  readonly created: string;
  readonly priority: string;
  readonly status: string;
  readonly changes: readonly { readonly at: string; readonly field: 'status' | 'priority'; readonly to: string }[];
  readonly comments: readonly { readonly at: string; readonly author: { readonly name: string; readonly email: string } }[];
}

const epoch = (iso: string) => DateTime.fromISO(iso).toMillis();
const shifted = (iso: string, ms: number) => DateTime.fromISO(iso, { setZone: true }).plus({ milliseconds: ms }).toISO()!;

type Step = { kind: 'change'; at: string; field: 'status' | 'priority'; from: string; to: string; index: number } | { kind: 'comment'; at: string; author: { name: string; email: string }; index: number };

function steps(story: JiraStory): Step[] {
  const current = { status: story.status, priority: story.priority };
  const changes: Step[] = story.changes.map((change, index) => {
    const from = current[change.field];
    current[change.field] = change.to;
    return { kind: 'change', ...change, from, index };
  });
  const comments: Step[] = story.comments.map((comment, index) => ({ kind: 'comment', ...comment, index }));
  return [...changes, ...comments].sort((a, b) => epoch(a.at) - epoch(b.at));
}

function fieldsAt(story: JiraStory, upTo: number): JiraIssueFields {
  const fields = { id: story.id, key: story.key, created: story.created, priority: story.priority, status: story.status };
  for (const change of story.changes) if (epoch(change.at) <= upTo) fields[change.field] = change.to;
  return fields;
}

/** The webhooks, in order, each with its own delivery id. */
export function storyWebhooks(story: JiraStory, webhookLagMs = 700): { id: string; body: object }[] {
  const created = { id: `${story.key}-created`, body: issueCreated(fieldsAt(story, epoch(story.created))) };
  return [
    created,
    ...steps(story).map((step) => {
      const at = shifted(step.at, webhookLagMs);
      const fields = fieldsAt(story, epoch(step.at));
      return step.kind === 'change'
        ? { id: `${story.key}-change-${step.index}`, body: fieldChanged(fields, at, step.field, step.from, step.to, `${20000 + step.index}`) }
        : { id: `${story.key}-comment-${step.index}`, body: commentCreated(fields, at, step.author, `${30000 + step.index}`) };
    }),
  ];
}

/** The issue as `search/jql?expand=changelog&fields=*navigable,comment` returns it now. */
export function storyRestIssue(story: JiraStory) {
  const now = fieldsAt(story, Number.MAX_SAFE_INTEGER);
  const { issue } = issueCreated(now) as { issue: { fields: Record<string, unknown> } & Record<string, unknown> };
  const all = steps(story);
  const histories = all.flatMap((step) =>
    step.kind === 'change'
      ? [{ id: `${20000 + step.index}`, author: { accountId: 'acc-agent', displayName: 'Agent' }, created: jiraTime(step.at), items: [{ field: step.field, fieldtype: 'jira', fieldId: step.field, from: null, fromString: step.from, to: null, toString: step.to }] }]
      : [],
  );
  const comments = story.comments.map((comment, index) => ({
    id: `${30000 + index}`,
    author: { accountId: `acc-${comment.author.name}`, displayName: comment.author.name, emailAddress: comment.author.email },
    body: 'We are looking into it.',
    created: jiraTime(comment.at),
    updated: jiraTime(comment.at),
    jsdPublic: true,
  }));
  const done = story.changes.find((change) => change.field === 'status' && /^(done|resolved|closed)$/i.test(change.to));
  return {
    ...issue,
    fields: { ...issue.fields, resolutiondate: done ? jiraTime(done.at) : null, comment: { comments, maxResults: comments.length, total: comments.length, startAt: 0 } },
    changelog: { startAt: 0, maxResults: histories.length, total: histories.length, histories: [...histories].reverse() },
  };
}
