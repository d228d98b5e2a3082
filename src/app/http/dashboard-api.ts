/**
 * What the live dashboard reads beyond the status API, behind the same auth (mounted in
 * api-routes.ts after it): `GET /api/events`, a Server-Sent Events stream that says when an issue's
 * state was saved (by this process or any other on the same Redis and prefix, see
 * ../store/state-changes.ts), and `GET /api/compliance`, the monthly reports' shares per month and
 * priority for every contract in one answer instead of a report request per month and contract.
 */
import express, { type Request, type Response, type Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Contract } from '../../domain/contract.js';
import { PRIORITIES } from '../../domain/priority.js';
import { buildReport, type ReportIssue } from '../../domain/sla-report.js';
import type { IssueStore } from '../store/issue-store.js';
import type { StateChanges } from '../store/state-changes.js';

/** The open streams of one HTTP process, ended when it stops (a stream never goes idle, so server.close would wait for it forever). */
export class StateEventStreams {
  private readonly open = new Set<Response>();

  constructor(
    readonly changes: StateChanges,
    /** More streams than this are refused with 503: each holds a socket. */
    readonly max = 1_000,
    /** A comment line this often keeps proxies from closing a quiet stream. */
    readonly keepAliveMs = 25_000,
  ) {}

  serve(request: Request, response: Response): void {
    if (this.open.size >= this.max) return void response.status(503).set('Retry-After', '30').json({ error: `too many open event streams (${this.max})` });
    response.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    response.flushHeaders();
    this.open.add(response);
    // EventSource reconnects by itself; 3 s after a restart of the bridge is soon enough.
    response.write('retry: 3000\n\n');
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const listening = this.changes.listen((change) => (change === 'resync' ? send('resync', {}) : send('changed', change)));
    listening.subscribed.then(
      () => send('ready', {}),
      () => send('resync', {}),
    );
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), this.keepAliveMs);
    keepAlive.unref();
    const end = () => {
      clearInterval(keepAlive);
      listening.stop();
      this.open.delete(response);
    };
    request.on('close', end);
    response.on('close', end);
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every stream (the browsers reconnect to whichever process serves next) and the subscription. */
  close(): void {
    for (const response of this.open) response.end();
    this.open.clear();
    this.changes.close();
  }
}

export interface DashboardApiDeps {
  readonly store: IssueStore;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly now: () => number;
  /** Without it (a bridge started without one) `/api/events` answers 404, and the page reloads its data on a timer instead. */
  readonly streams?: StateEventStreams | undefined;
}

const complianceQuery = z.strictObject({ months: z.coerce.number().int().min(1).max(24).default(6) });

interface Share {
  readonly met: number;
  readonly breached: number;
  readonly percentMet: number | null;
}

function share(met: number, breached: number): Share {
  return { met, breached, percentMet: met + breached > 0 ? Math.round((1000 * met) / (met + breached)) / 10 : null };
}

/** The last `count` months, oldest first, in the contract's zone. */
function lastMonths(zone: string, now: number, count: number): string[] {
  const current = DateTime.fromMillis(now, { zone }).startOf('month');
  return Array.from({ length: count }, (_, index) => current.minus({ months: count - 1 - index }).toFormat('yyyy-MM'));
}

/** Per month: every metric's met and breached together, and the same per priority, from the monthly report (sla-report.ts). */
function complianceOf(contract: Contract, issues: readonly ReportIssue[], now: number, count: number) {
  const ofContract = issues.filter((entry) => entry.sla.covered && entry.sla.contract === contract.id);
  const months = lastMonths(contract.calendar.zone, now, count).map((month) => {
    const decided = (only: readonly ReportIssue[]) => {
      const report = buildReport(contract, month, only);
      return { report, ...share(report.metrics.reduce((sum, metric) => sum + metric.met, 0), report.metrics.reduce((sum, metric) => sum + metric.breached, 0)) };
    };
    const { report, ...total } = decided(ofContract);
    const byPriority = Object.fromEntries(
      PRIORITIES.map((priority) => {
        const { report: _report, ...part } = decided(ofContract.filter((entry) => entry.sla.covered && entry.sla.priority.effective === priority));
        return [priority, part];
      }),
    );
    return { month, issues: report.issues, ...total, byPriority, breaches: report.breaches.length };
  });
  return { id: contract.id, customer: contract.customer, zone: contract.calendar.zone, months };
}

export function dashboardApi(deps: DashboardApiDeps): Router {
  const router = express.Router();
  router.get('/events', (request, response) => {
    if (!deps.streams) return void response.status(404).json({ error: 'this bridge serves no event stream' });
    deps.streams.serve(request, response);
  });
  router.get('/compliance', async (request, response) => {
    const query = complianceQuery.safeParse(request.query);
    if (!query.success) {
      const issue = query.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : String(issue.path[0]);
      return void response.status(400).json({ error: `${field}: ${issue.code === 'unrecognized_keys' ? 'not a parameter (use months)' : issue.message}`, field });
    }
    const now = deps.now();
    const states = await deps.store.loadStates(await deps.store.listIssues());
    response.json({ now, contracts: [...deps.contracts.values()].map((contract) => complianceOf(contract, states, now, query.data.months)) });
  });
  return router;
}
