/**
 * The one interface between the bridge and a tracker. `src/` knows trackers only through this and
 * the registry; adding a tracker (GitLab, Redmine, YouTrack) means adding one folder next to this.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Source, SourceKind } from '../src/config/source.js';
import type { IssueEvent } from '../src/domain/issue-event.js';
import type { OutgoingRequest, WriteBackFields } from './shared/write-back-types.js';

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
}

export type Normalized =
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'events'; readonly issue: IssueRef; readonly events: readonly IssueEvent[] };

export interface TrackerConnector<Payload = unknown> {
  /** Checks the signature over the raw body, before anything is parsed, in constant time. */
  verify(source: Source, delivery: WebhookDelivery): Verdict;
  /** The tracker's delivery id, the same on its retries; undefined when the tracker sends none. */
  deliveryId(delivery: WebhookDelivery): string | undefined;
  /** The headers a genuine sender adds for this body: used by tests and the demo. */
  sign(secret: string, rawBody: Buffer): Record<string, string>;
  readonly payloadSchema: z.ZodType<Payload>;
  /**
   * The engine events of one delivery, stamped with the tracker's own times. The issue's current
   * fields always come along as a synthetic `created` event, so an issue first seen mid-life starts
   * from its real creation time.
   */
  normalize(source: Source, payload: Payload, delivery: WebhookDelivery): Normalized;
  readonly writeBack: WriteBackBuilder;
}

/**
 * Each connector has its own payload type; the caller only hands what `payloadSchema` parsed back
 * to the same connector's `normalize`, so the registry does not need to know the types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
/** Reads from the tracker on behalf of a write-back (e.g. Gitea's label ids); answers the response body. */
export type TrackerLookup = (request: OutgoingRequest) => Promise<unknown>;

/**
 * The requests that make the tracker show `desired`, given what the bridge `previous`ly wrote
 * there (undefined: never): none when nothing changed, which is also what stops write loops.
 */
export type WriteBackBuilder = (
  source: Source,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  lookup: TrackerLookup,
) => Promise<OutgoingRequest[]>;

export type ConnectorRegistry = Readonly<Record<SourceKind, TrackerConnector<any>>>;
