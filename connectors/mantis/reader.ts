/**
 * Reconciliation for MantisBT. MantisBT fires plugin events for what the web UI does, so changes
 * made otherwise (REST or SOAP clients, tag pages) and deliveries the plugin lost never reach the
 * bridge. The reader lists the issues updated since a moment through the REST API and tells each
 * one's story from its history, with the events the webhook path builds (./issue-changes.ts).
 *
 * `GET /api/rest/issues` has no "updated since" filter (api/rest/restcore/issues_rest.php), but
 * without `filter_id` it applies MantisBT's "any" filter, which sorts by `last_updated` DESC
 * (core/filter_api.php `filter_get_default_array`; BugFilterQuery adds `last_updated DESC` when
 * the sort column is not visible) and hides no status. So pages are read until one reaches an issue
 * updated before `since`. Each listed issue is complete, notes and history included
 * (mci_issue_data_as_array), so most issues cost no further request.
 *
 * Needs MantisBT 2.20 or later: before it, a list without `filter_id` used the token user's own
 * current filter, whatever its sort (mc_project_get_issues); REST gives the history from 2.9.
 *
 * Known gaps, none of which the webhook path has:
 * - An issue updated while the pages are read moves to the top, and the issue at a page boundary
 *   may be skipped; the next run, whose lookback overlaps, finds it.
 * - Deleted notes and deleted issues are gone from REST: no `commented` or `deleted` for them.
 * - The token's user sees what its access allows: below `view_history_threshold` no history (the
 *   created event is then synthetic, built from today's fields), below `private_bugnote_threshold`
 *   no private notes, below `view_handler_threshold` no handler. E-mails and real names of other
 *   users are shown only to user managers (`manage_user_threshold`, administrator by default) or
 *   with `show_user_email_threshold`: agents named by e-mail domain need such a token.
 * - Agents by `agents.min_access_level` need MantisBT 2.26+ (./rest-lookups.ts); users since
 *   disabled are no longer listed, so their old notes count as the customer's.
 */
import type { Source } from '../../src/config/source.js';
import { inEventOrder, type IssueEvent } from '../../src/domain/issue-event.js';
import type { ChangedIssuesPage, IssueRef, Normalized, TrackerRead, TrackerReader } from '../connector.js';
import { isAgent, type TrackerUser } from '../shared/source-rules.js';
import { commentEvent, createdEvent } from './issue-changes.js';
import { durationMinutes, noteTimeEvent } from './time-tracking.js';
import { MantisLookups } from './rest-lookups.js';
import { requireReadToken, restGet, type MantisRest } from './rest-request.js';
import { parseRest, restIssueListSchema, restIssueSchema, type RestIssue, type RestNote } from './rest-schema.js';
import { earlierProjects, issueTimeline, type IssueTimeline } from './rest-timeline.js';
import { z } from 'zod';

/** MantisBT's own default page size. */
const PAGE_SIZE = 50;

const listedIssueSchema = z.looseObject({ id: z.number().int().positive(), updated_at: z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)) });

export function createMantisReader(lookups: MantisLookups = new MantisLookups()): TrackerReader {
  return {
    async *changedIssues(source: Source, since: number, read: TrackerRead): AsyncIterable<ChangedIssuesPage> {
      requireReadToken(source);
      lookups.startRun(source.id);
      const rest: MantisRest = { source, read };
      const seen = new Set<number>();
      for (let page = 1; ; page += 1) {
        const what = `issues page ${page}`;
        const data = await restGet(rest, `/issues?page_size=${PAGE_SIZE}&page=${page}`, `${what} (newest updates first, back to ${new Date(since).toISOString()})`);
        const { issues } = parseRest(restIssueListSchema, data, `mantis ${source.id}: ${what}`);
        let reachedOlder = false;
        const changed: unknown[] = [];
        issues.forEach((item, index) => {
          const listed = parseRest(listedIssueSchema, item, `mantis ${source.id}: ${what}, issues[${index}]`);
          if (listed.updated_at < since) reachedOlder = true;
          // An issue updated while the pages are read pushes the others down: one may come twice.
          else if (!seen.has(listed.id)) {
            seen.add(listed.id);
            changed.push(item);
          }
        });
        if (changed.length > 0) yield { issues: changed };
        if (reachedOlder || issues.length < PAGE_SIZE) return;
      }
    },

    async issueHistory(source: Source, listed: unknown, read: TrackerRead): Promise<Normalized> {
      requireReadToken(source);
      const rest: MantisRest = { source, read };
      let issue = parseRest(restIssueSchema, listed, `mantis ${source.id}: listed issue`);
      // A list asked with `select` may leave the history out; the issue on its own has it when the token may see it.
      if (!issue.history) issue = await fetchIssue(rest, issue.id);

      const projectNames = await lookups.projectNamesOf(rest, earlierProjects(source, issue));
      projectNames.set(issue.project.id, issue.project.name);
      const timeline = issueTimeline(source, issue, projectNames);
      const comments: IssueEvent[] = [];
      for (const note of issue.notes ?? []) {
        comments.push(...(await noteEvents(rest, lookups, timeline, note)));
        comments.push(...noteTimeEvent(note.id, durationMinutes(note.time_tracking?.duration), note.created_at, note.reporter?.name));
      }

      const events = [createdEvent(source, timeline.creation, issue.created_at, !timeline.rebuilt), ...inEventOrder([...timeline.changes, ...comments])];
      return { outcome: 'events', issue: issueRef(source, issue), events };
    },
  };
}

async function fetchIssue(rest: MantisRest, id: number): Promise<RestIssue> {
  const what = `issue ${id}`;
  const { issues } = parseRest(restIssueListSchema, await restGet(rest, `/issues/${id}`, what), `mantis ${rest.source.id}: ${what}`);
  return parseRest(restIssueSchema, issues[0], `mantis ${rest.source.id}: ${what}`);
}

/** As the webhook path names it; the view URL is what `string_get_bug_view_url_with_fqdn` gives. */
function issueRef(source: Source, issue: RestIssue): IssueRef {
  return { id: String(issue.id), key: String(issue.id), title: issue.summary, url: `${source.baseUrl}/view.php?id=${issue.id}` };
}

/**
 * The note as `note_added` would have told it: public or not as it was added, its author an agent
 * by name, e-mail or, failing those, the access level in the project the issue was in then.
 */
async function noteEvents(rest: MantisRest, lookups: MantisLookups, timeline: IssueTimeline, note: RestNote): Promise<IssueEvent[]> {
  const facts = { text: note.text, public: timeline.notePublicAtCreation(note) };
  if (facts.text.trim() === '') return [];
  const reporter = note.reporter;
  // A deleted author keeps only an id; the plugin sends such a reporter as null.
  if (!reporter?.name) return commentEvent(rest.source, { ...facts, author: null }, note.created_at);
  const author: TrackerUser = { names: [reporter.name, reporter.real_name], email: reporter.email };
  if (isAgent(rest.source, author)) return commentEvent(rest.source, { ...facts, author }, note.created_at);
  const accessLevel = await lookups.agentLevel(rest, timeline.fieldsAt(note.created_at).project.id, reporter.id);
  return commentEvent(rest.source, { ...facts, author: { ...author, accessLevel } }, note.created_at);
}
