/** One listed issue's story, from its notes, label events and state events. */
import type { Source } from '../../src/config/source.js';
import type { Normalized, TrackerRead } from '../connector.js';
import type { z } from 'zod';
import { historyChanges } from './history-changes.js';
import { replayHistory } from './history-replay.js';
import { epochMs, isCoveredType } from './issue-facts.js';
import { gitlabIssueRef } from './issue-ref.js';
import { pagedRead } from './paged-read.js';
import { timeSpentEvents } from './time-spent.js';
import { issueRecordRequest, type IssueRecord } from './reader-requests.js';
import { gitlabLabelEventSchema, gitlabListedIssueSchema, gitlabRestNoteSchema, gitlabStateEventSchema, type GitlabListedIssue } from './rest-schema.js';

const problemOf = (error: z.ZodError) => {
  const problem = error.issues[0]!;
  return `${problem.path.map(String).join('.') || '(item)'}: ${problem.message}`;
};

function parseListed(source: Source, listed: unknown): GitlabListedIssue {
  const parsed = gitlabListedIssueSchema.safeParse(listed);
  if (parsed.success) return parsed.data;
  throw new Error(`gitlab ${source.id}: a listed issue is not one the reader understands: ${problemOf(parsed.error)}`);
}

/** The project path: the reference `group/project#7` names it, else the issue's link does. */
function projectOf(source: Source, issue: GitlabListedIssue): string {
  const reference = issue.references?.full && /^(.+\/[^/#]+)#\d+$/.exec(issue.references.full);
  if (reference) return reference[1]!;
  const link = issue.web_url && new RegExp(`^${source.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(.+?)(?:/-)?/issues/\\d+$`).exec(issue.web_url);
  if (link) return link[1]!;
  throw new Error(`gitlab ${source.id}: a listed issue names its project neither in references.full nor in web_url`);
}

async function readAll<T>(read: TrackerRead, source: Source, project: string, iid: number, record: IssueRecord, schema: z.ZodType<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pagedRead(read, (number) => issueRecordRequest(source, project, iid, record, number))) {
    for (const item of page) {
      const parsed = schema.safeParse(item);
      if (!parsed.success) throw new Error(`${issueRecordRequest(source, project, iid, record, 1).description.replace(/, page 1$/, '')}: ${problemOf(parsed.error)}`);
      items.push(parsed.data);
    }
  }
  return items;
}

export async function gitlabIssueHistory(source: Source, listed: unknown, read: TrackerRead): Promise<Normalized> {
  const issue = parseListed(source, listed);
  if (!isCoveredType(issue.issue_type)) return { outcome: 'ignored', reason: `${issue.issue_type} work items are not covered` };
  const project = projectOf(source, issue);
  const notes = await readAll(read, source, project, issue.iid, 'notes', gitlabRestNoteSchema);
  const labelEvents = await readAll(read, source, project, issue.iid, 'resource_label_events', gitlabLabelEventSchema);
  const stateEvents = await readAll(read, source, project, issue.iid, 'resource_state_events', gitlabStateEventSchema);
  const { changes, complete } = historyChanges(notes, labelEvents, stateEvents);
  return {
    outcome: 'events',
    issue: gitlabIssueRef(source, project, { iid: issue.iid, title: issue.title, url: issue.web_url }),
    events: [...replayHistory(source, project, issue, changes, complete), ...timeSpentEvents(issue.time_stats?.total_time_spent, false, epochMs(issue.updated_at), null)],
  };
}
