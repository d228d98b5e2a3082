/**
 * The one interface between the bridge and a tracker. `src/` knows trackers only through this and
 * the registry; adding a tracker (GitLab, Redmine, YouTrack) means adding one folder next to this.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { DateTime } from 'luxon';
import type { z } from 'zod';
import type { Source } from '../src/config/source.js';
import type { SettingsShape, SourceSettings } from '../src/config/source-settings.js';
import type { IssueEvent } from '../src/domain/issue-event.js';
import type { GroupMember } from '../src/domain/line-members.js';
import type { ShownFields } from './shared/owned-fields.js';
import type { DeliveryPeople } from './shared/acceptance-marks.js';
import type { OutboundRequest } from './outbound-request.js';
import type { WriteBackFields } from '../src/domain/write-back-fields.js';

export interface WebhookDelivery {
  /** Header names are lower-case, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface IssueRef {
  /** Stable within the source across renames and moves: Jira issue id, Gitea `owner/repo#n`, Mantis bug id. */
  readonly id: string;
  /** What people call it: `MB-12`, `open2bizz/odoo-customer#7`, `42`. */
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  /**
   * Only the id is known (Jira Server's `comment_created` names its issue only in `comment.self`),
   * and `key` repeats it: the store then keeps the key, title and url it already has, and the
   * issue's next full webhook fills them in.
   */
  readonly partial?: boolean | undefined;
}

export type Normalized =
  | { readonly outcome: 'ignored'; readonly reason: string }
  | {
      readonly outcome: 'events';
      readonly issue: IssueRef;
      readonly events: readonly IssueEvent[];
      /** What the delivery showed of the fields write-back owns, when the source writes back and it showed any. */
      readonly shown?: ShownFields;
      /**
       * A reader's history that holds every time record the tracker has for the issue now, so a
       * record the bridge has and this lacks was deleted (its webhook lost).
       */
      readonly allTimeRecords?: true;
    };

export interface TrackerConnector<Payload = unknown> {
  /** The tracker's name as people write it: `Jira`, `GitLab`, `MantisBT`. */
  readonly displayName: string;
  /** The keys only this tracker's source files have, their checks, and what they compile to (`source.settings`). */
  readonly settings: SourceSettings<SettingsShape, unknown>;
  /** Checks the signature over the raw body, before anything is parsed, in constant time. */
  verify(source: Source, delivery: WebhookDelivery): Verdict;
  /** The tracker's delivery id, the same on its retries; undefined when the tracker sends none. */
  deliveryId(delivery: WebhookDelivery): string | undefined;
  /**
   * The headers a genuine sender adds for this body with this secret, and with `source` also what
   * the source's settings make the tracker add (GitLab's Standard Webhooks signature): used by
   * tests and the demo.
   */
  sign(secret: string, rawBody: Buffer, source?: Source): Record<string, string>;
  readonly payloadSchema: z.ZodType<Payload>;
  /**
   * The engine events of one delivery, stamped with the tracker's own times. The issue's current
   * fields always come along as a synthetic `created` event, so an issue first seen mid-life starts
   * from its real creation time.
   */
  normalize(source: Source, payload: Payload, delivery: WebhookDelivery): Normalized;
  /**
   * Who caused the delivery and who reported its issue, as far as the payload says (authorized
   * contacts): the reporter goes onto the created events, an agent actor accepts the issue.
   */
  people?(payload: Payload, delivery: WebhookDelivery): DeliveryPeople;
  readonly writeBack: WriteBackBuilder;
  /**
   * The requests that hand the issue to `assignee` (a user name as the tracker knows it), for a
   * support line's functional escalation (src/app/jobs/line-escalation.ts); absent: not supported.
   */
  readonly assign?: (source: Source, issue: IssueRef, assignee: string) => readonly OutboundRequest[];
  /** For a tracker whose assignment takes an id, not the name (GitLab's numeric user id): what `assign` is given for `assignee`. */
  readonly assigneeId?: (source: Source, assignee: string, read: TrackerRead) => Promise<string>;
  /**
   * Whether the tracker's refusal of a write-back (a 4xx with its body) says the issue is gone,
   * deleted with or without its project: then the bridge marks it deleted instead of failing.
   * Only the tracker's own "no such issue" answer counts, not any 404 (a wrong base URL).
   */
  issueGone(refusal: TrackerRefusal): boolean;
  /**
   * Makes a reader of the tracker's REST API for reconciliation (`sla-bridge reconcile`), one per
   * bridge or command: a reader may remember answers for a run (MantisBT keeps project names and
   * who is an agent), and two bridges in one process must not share them.
   */
  readonly createReader?: () => TrackerReader;
  /**
   * The usernames in the groups the source names as agents (GitLab `agents.groups`, GitHub
   * `agents.teams`), read from the tracker's API; undefined when it names none. The bridge reads
   * them ahead (src/app/store/agent-directory.ts) and counts them in `source.agents.users`, so
   * `normalize` and the reader stay free of lookups.
   */
  readonly agentMembers?: (source: Source, read: TrackerRead) => Promise<readonly string[] | undefined>;
  /**
   * The members of a tracker group a support line names (`group:<name>` in its `members:`), read
   * from the tracker's API (src/app/store/line-group-directory.ts); absent: the tracker has no user
   * groups the bridge reads (MantisBT), and config refuses such a line for its sources.
   */
  readonly groupMembers?: (source: Source, group: string, read: TrackerRead) => Promise<readonly GroupMember[]>;
  /** What the tracker's issues have that a support line's `components:` names; absent: none (config refuses them). */
  readonly componentsAre?: string;
  /** The new issue `sla-bridge demo` sends as this tracker, to the demo config's source of this kind. */
  readonly demo?: TrackerDemo;
  /** Opening an issue for a recurring obligation, and finding one opened before (./issue-creation.ts). */
  readonly issueCreation?: IssueCreation;
}

export interface TrackerDemo {
  readonly issueId: string;
  readonly issueKey: string;
  /** The issue's path in the tracker's API, below the source's `base_url`: where its write-backs go. */
  readonly writeBackPath: string;
  /** A new P1 issue created at `now`: the payload and the tracker's own headers, unsigned. */
  webhook(now: DateTime): { readonly payload: unknown; readonly headers: Readonly<Record<string, string>> };
}

export interface TrackerRefusal {
  readonly status: number;
  /** The answer's body: parsed JSON, or text. */
  readonly data: unknown;
}

/** A read from the tracker's REST API; the connector adds its own auth headers. */
export interface ReadRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON (Jira's approximate-count is a POST). */
  readonly body?: object;
  /** For logs and errors, e.g. "gitea gitea-demo: issues updated since …". No secrets. */
  readonly description: string;
}

export interface ReadResponse {
  readonly data: unknown;
  /** Lower-case names (Gitea's `x-total-count`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Sends a read with the bridge's retries; throws on anything but 2xx. */
export type TrackerRead = (request: ReadRequest) => Promise<ReadResponse>;

export interface ChangedIssuesPage {
  /** The tracker's own issue objects, each handed back to `issueHistory` as is. */
  readonly issues: readonly unknown[];
  /** How many issues all pages hold, when the tracker says (for the progress bar). */
  readonly total?: number | undefined;
}

/**
 * Reconciliation: webhooks get lost (only Jira Cloud retries), so the bridge asks the tracker what
 * changed and replays it. The events must be the same facts the webhooks would have given, in
 * the tracker's own times, so that the ones the bridge already has are recognised and skipped.
 */
export interface TrackerReader {
  /** The issues updated at or after `since` (epoch ms), page by page. Pull requests are left out. */
  changedIssues(source: Source, since: number, read: TrackerRead): AsyncIterable<ChangedIssuesPage>;
  /**
   * One listed issue's whole story as the REST API tells it: a `created` event with the fields as
   * they were at creation (not synthetic when the history allows rebuilding them), then every
   * change and comment at its own time, then the current state where it differs.
   */
  issueHistory(source: Source, listed: unknown, read: TrackerRead): Promise<Normalized>;
}

/**
 * Each connector has its own payload type; the caller only hands what `payloadSchema` parsed back
 * to the same connector's `normalize`, so the registry does not need to know the types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
/** Reads from the tracker on behalf of a write-back (e.g. Gitea's label ids); answers the response body. */
export type TrackerLookup = (request: OutboundRequest) => Promise<unknown>;

/**
 * The requests that make the tracker show `desired`, given what the bridge `previous`ly wrote
 * there (undefined: never) and what a delivery `shown` since of the owned fields: none when the
 * tracker already shows it, which is also what stops write loops.
 */
export type WriteBackBuilder = (
  source: Source,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  lookup: TrackerLookup,
  shown?: ShownFields,
) => Promise<OutboundRequest[]>;

/** Every tracker the bridge has, by source kind (connectors/registry.ts). */
export type ConnectorRegistry = Readonly<Record<string, TrackerConnector<any>>>;

/** The connector of a source's kind; the config loader only accepts sources of kinds the registry has. */
export function connectorOf(registry: ConnectorRegistry, kind: string): TrackerConnector<any> {
  const connector = registry[kind];
  if (!connector) throw new Error(`no tracker connector for kind "${kind}" (known: ${Object.keys(registry).join(', ')})`);
  return connector;
}

/** An issue the bridge opens, for a contract's recurring obligations (./issue-creation.ts). */
export interface NewIssue {
  /** The tracker's project: Jira key, Gitea/GitHub `owner/repo`, GitLab path or id, MantisBT project name. */
  readonly project: string;
  readonly title: string;
  /** Plain text without the marker, which bodyWithMarker adds as the last line. */
  readonly body: string;
  /** Printable ASCII without spaces, unique per issue the bridge opens. */
  readonly marker: string;
  readonly labels: readonly string[];
  /** Jira's issue type, MantisBT's category. */
  readonly issueType?: string | undefined;
  /** No issue with the marker can be older than this (the period's start): bounds the search. */
  readonly notBefore: number;
}

export interface IssueCreation {
  /** The one request that opens the issue. */
  createRequest(source: Source, issue: NewIssue): OutboundRequest;
  /** The opened issue from the tracker's answer to `createRequest`, as the connector's webhooks name it. */
  createdIssue(source: Source, issue: NewIssue, data: unknown): IssueRef;
  /** An issue of the project carrying the marker, opened since `notBefore`; undefined when there is none. */
  findExisting(source: Source, issue: NewIssue, read: TrackerRead, now: number): Promise<IssueRef | undefined>;
}
