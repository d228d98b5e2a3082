/** One listed issue's story, read from its timeline (`GET /repos/{owner}/{repo}/issues/{n}/timeline`). */
import type { Source } from '../../src/config/source.js';
import type { Normalized, TrackerRead } from '../connector.js';
import { githubIssueRef } from './issue-ref.js';
import { nextPageUrl, pageRequest, timelineRequest } from './reader-requests.js';
import { githubListedIssueSchema, githubTimelinePageSchema, listedRepository, pullRequestMarkerSchema, type GithubListedIssue, type GithubTimelineEntry } from './rest-schema.js';
import { replayTimeline } from './timeline-replay.js';

/** 10,000 entries: far beyond any support issue. */
const MAX_TIMELINE_PAGES = 100;

function parseListed(source: Source, listed: unknown): GithubListedIssue {
  const parsed = githubListedIssueSchema.safeParse(listed);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]!;
  const field = problem.path.map(String).join('.') || '(issue)';
  throw new Error(`${source.kind} ${source.id}: a listed issue is not one the reader understands: ${field}: ${problem.message}`);
}

async function readTimeline(source: Source, repository: string, number: number, read: TrackerRead): Promise<GithubTimelineEntry[]> {
  const first = timelineRequest(source, repository, number);
  const entries: GithubTimelineEntry[] = [];
  let request = first;
  for (let page = 1; page <= MAX_TIMELINE_PAGES; page += 1) {
    const { data, headers } = await read(request);
    const parsed = githubTimelinePageSchema.safeParse(data);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]!;
      throw new Error(`${request.description}: ${problem.path.map(String).join('.') || '(body)'}: ${problem.message}`);
    }
    entries.push(...parsed.data);
    const next = nextPageUrl(source, headers.link);
    if (!next || parsed.data.length === 0) return entries;
    request = pageRequest(first, next, page + 1);
  }
  throw new Error(`${first.description}: more than ${MAX_TIMELINE_PAGES} pages; not replayed`);
}

export async function githubIssueHistory(source: Source, listed: unknown, read: TrackerRead): Promise<Normalized> {
  const marker = pullRequestMarkerSchema.safeParse(listed);
  if (marker.success && marker.data.pull_request != null) return { outcome: 'ignored', reason: 'pull requests are not covered' };
  const issue = parseListed(source, listed);
  const repository = listedRepository(issue);
  const timeline = await readTimeline(source, repository, issue.number, read);
  // Every comment is on the timeline: a `/spent` the bridge has and the comments lack was deleted or edited away.
  return { outcome: 'events', issue: githubIssueRef(source, issue, repository), events: replayTimeline(source, issue, timeline), allTimeRecords: true };
}
