/**
 * Reconciliation: webhooks get lost (only Jira Cloud retries; MantisBT sends nothing for REST
 * edits), so the bridge asks a tracker which issues changed since an instant, reads each one's
 * history and applies only what its log lacks. Run by `sla-bridge reconcile` and, per source with
 * `reconcile.every`, by a repeating job inside the bridge.
 */
import { z } from 'zod';
import type { ConnectorRegistry, TrackerRead, TrackerReader } from '../../../connectors/connector.js';
import { formatPath } from '../../config/load-config.js';
import type { Source } from '../../config/source.js';
import { applyToldEvents } from './apply-delivery.js';
import type { IssueWorkDeps } from './issue-work.js';
import type { AgentDirectory } from '../store/agent-directory.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';

export interface ReconcileDeps extends IssueWorkDeps {
  readonly read: TrackerRead;
  /** This bridge's (or this command's) readers, by tracker kind: see `trackerReaders`. */
  readonly readers: TrackerReaders;
  /** Counts the members of a source's agent groups among its agents, as the webhooks do. */
  readonly agents: AgentDirectory;
}

export type TrackerReaders = ReadonlyMap<string, TrackerReader>;

/** One reader per kind that can be reconciled, made for one bridge or one command. */
export function trackerReaders(connectors: ConnectorRegistry): TrackerReaders {
  const readers = new Map<string, TrackerReader>();
  for (const [kind, connector] of Object.entries(connectors)) if (connector.createReader) readers.set(kind, connector.createReader());
  return readers;
}

export interface ReconcileProgress {
  readonly checked: number;
  /** When the tracker says how many issues changed. */
  readonly total: number | undefined;
}

export interface ReconcileResult {
  readonly source: string;
  readonly since: number;
  /** Issues the tracker listed as changed and the bridge read. */
  readonly checked: number;
  /** Issues whose log lacked something. */
  readonly updated: number;
  /** Events added in all. */
  readonly added: number;
  /** Issues that could not be read or applied; the others are applied regardless. */
  readonly failed: readonly { readonly issue: string; readonly reason: string }[];
}

/** Issues read at once: a tracker's API is shared with its users. */
const PARALLEL_READS = 4;

/** The tracker reads go through the bridge's one HTTP client, with its retries and redaction. */
export function trackerRead(http: OutboundHttp): TrackerRead {
  return async (request) => {
    const response = await http.send({ ...request, method: request.method ?? 'GET' });
    return { data: response.data, headers: response.headers };
  };
}

/** What names an issue in a failure line before it could be parsed: whatever id field it has. */
function roughName(listed: unknown): string {
  const raw = listed as { key?: unknown; number?: unknown; id?: unknown } | null;
  return String(raw?.key ?? raw?.number ?? raw?.id ?? '(unnamed issue)');
}

/** One line: a tracker answer that does not fit names the field, like a webhook's 400 does. */
function failureReason(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    return `${formatPath(issue.path) || '(issue)'}: ${issue.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function reconcilableSource(deps: Pick<ReconcileDeps, 'sources' | 'readers'>, sourceId: string): Source {
  const source = deps.sources.get(sourceId);
  if (!source) throw new Error(`unknown source "${sourceId}" (known: ${[...deps.sources.keys()].join(', ') || 'none'})`);
  if (!deps.readers.has(source.kind)) throw new Error(`source ${sourceId}: ${source.kind} cannot be reconciled`);
  if (!source.apiToken) throw new Error(`source ${sourceId} has no api.token: reconciliation reads the tracker's REST API`);
  return source;
}

export async function reconcileSource(
  deps: ReconcileDeps,
  sourceId: string,
  since: number,
  onProgress: (progress: ReconcileProgress) => void = () => undefined,
): Promise<ReconcileResult> {
  const source = await deps.agents.sourceFor(reconcilableSource(deps, sourceId));
  const reader = deps.readers.get(source.kind)!;
  let checked = 0;
  let updated = 0;
  let added = 0;
  let total: number | undefined;
  const failed: { issue: string; reason: string }[] = [];

  const reconcileOne = async (listed: unknown) => {
    try {
      const readAt = deps.now();
      const told = await reader.issueHistory(source, listed, deps.read);
      if (told.outcome === 'events') {
        const count = await applyToldEvents(deps, source.id, told.issue, told.events, told.allTimeRecords ? { readAt } : undefined);
        if (count > 0) {
          updated += 1;
          added += count;
          deps.logger.info('reconciled missed events', { component: 'reconcile', source: source.id, issue: told.issue.key, events: count });
        }
      }
    } catch (error) {
      failed.push({ issue: roughName(listed), reason: failureReason(error) });
    } finally {
      checked += 1;
      onProgress({ checked, total });
    }
  };

  for await (const page of reader.changedIssues(source, since, deps.read)) {
    total = page.total ?? total;
    onProgress({ checked, total });
    const queue = [...page.issues];
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_READS, queue.length) }, async () => {
        for (let listed = queue.shift(); listed !== undefined; listed = queue.shift()) await reconcileOne(listed);
      }),
    );
  }
  return { source: source.id, since, checked, updated, added, failed };
}
