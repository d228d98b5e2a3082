/**
 * One listed issue's story, read from its timeline. The endpoint came with go-gitea #17403 (Gitea
 * 1.16, and every Forgejo); an older server answers 404, and the read fails with that.
 */
import type { Source } from '../../src/config/source.js';
import type { Normalized, TrackerRead } from '../connector.js';
import { giteaIssueRef } from './issue-ref.js';
import { timelineRequest } from './reader-requests.js';
import {
  giteaListedIssueSchema,
  giteaTimelinePageSchema,
  pullRequestMarkerSchema,
  type GiteaListedIssue,
  type GiteaTimelineEntry,
} from './rest-schema.js';
import { replayTimeline } from './timeline-replay.js';
import { giteaSettings } from './source-settings.js';
import { readTrackedTimes } from './tracked-times.js';

/** 10,000 entries: far beyond any support issue; past it the server is taken to ignore `page`. */
const MAX_TIMELINE_PAGES = 200;

function parseListed(source: Source, listed: unknown): GiteaListedIssue {
  const parsed = giteaListedIssueSchema.safeParse(listed);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]!;
  const field = problem.path.map(String).join('.') || '(issue)';
  throw new Error(`${source.kind} ${source.id}: a listed issue is not one the reader understands: ${field}: ${problem.message}`);
}

/**
 * Every page, until an empty one. A short page does not mean the end: the server drops entries
 * the token may not see (references from other private repositories) after cutting the page,
 * and its X-Total-Count counts only the page it sends.
 */
async function readTimeline(source: Source, issue: GiteaListedIssue, read: TrackerRead): Promise<GiteaTimelineEntry[]> {
  const repository = issue.repository.full_name;
  const entries: GiteaTimelineEntry[] = [];
  const seen = new Set<number>();
  for (let page = 1; page <= MAX_TIMELINE_PAGES; page += 1) {
    const request = timelineRequest(source, repository, issue.number, page);
    const parsed = giteaTimelinePageSchema.safeParse((await read(request)).data);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]!;
      throw new Error(`${request.description}: ${problem.path.map(String).join('.') || '(body)'}: ${problem.message}`);
    }
    const fresh = (parsed.data ?? []).filter((entry) => !seen.has(entry.id));
    // An empty page ends it; so does a page that only repeats, from a server that ignores `page`.
    if (fresh.length === 0) return entries;
    for (const entry of fresh) seen.add(entry.id);
    entries.push(...fresh);
  }
  throw new Error(`${source.kind} ${source.id}: the timeline of ${repository}#${issue.number} has more than ${MAX_TIMELINE_PAGES} pages; not replayed`);
}

export async function giteaIssueHistory(source: Source, listed: unknown, read: TrackerRead): Promise<Normalized> {
  const marker = pullRequestMarkerSchema.safeParse(listed);
  if (marker.success && marker.data.pull_request != null) return { outcome: 'ignored', reason: 'pull requests are not covered' };
  const issue = parseListed(source, listed);
  const timeline = await readTimeline(source, issue, read);
  const tracked = giteaSettings(source).trackedTimes;
  const times = tracked ? await readTrackedTimes(source, issue.repository.full_name, issue.number, read) : [];
  // The tracked times are read in full: one the bridge has and they lack was deleted.
  return { outcome: 'events', issue: giteaIssueRef(source, issue, issue.repository), events: [...replayTimeline(source, issue, timeline), ...times], ...(tracked ? { allTimeRecords: true as const } : {}) };
}
