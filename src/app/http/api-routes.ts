/**
 * The bridge's API under /api/, behind the API token (SLA_BRIDGE_API_TOKEN; see api-auth.ts): issues
 * and their SLA state, contracts, reports, the queue board, and the dead-letter list of chat messages
 * and write-backs that failed for good.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { ContactCheck } from '../../domain/contacts-rule.js';
import type { Contract } from '../../domain/contract.js';
import { formatDuration } from '../../domain/duration.js';
import { metricSchema } from '../../domain/metric.js';
import { metricStands } from '../../domain/issue-standing.js';
import { customMetricsOfContract, customMetricsOfIssue } from './custom-metrics-api.js';
import { buildReport, MONTH, type SlaReport } from '../../domain/sla-report.js';
import type { ObligationStatus } from '../obligations/obligation-status.js';
import { reportCsv, reportHtml } from '../report-format.js';
import type { IssueState, IssueStore } from '../store/issue-store.js';
import { DeadLetterBusy, DeadLetterNotFound, type DeadLetterStore } from '../store/dead-letters.js';
import { DeliveryFailure, type OutboundHttp } from '../outbound/outbound-http.js';
import { apiAuth, apiThrottle, sessionRouter, type ApiAuthDeps } from './api-auth.js';
import type { HoursStore } from '../hours/hours-store.js';
import { withHoursSection } from '../hours/hours-report-data.js';
import { hoursStatus } from '../hours/hours-status.js';
import { explainRoute, type ExplainLookup } from './explain-route.js';
import { whatIfRouter, type WhatIfRouteDeps } from '../what-if/what-if-route.js';
import { icalListRoute, type IcalDeps } from '../ical/ical-routes.js';
import { prioritySchema } from '../../domain/priority.js';
import { dashboardApi, type StateEventStreams } from './dashboard-api.js';
import { teamDutyViews } from './teams-api.js';
import { issueLine, linesRouter } from './lines-api.js';
import type { Team } from '../../config/team-config.js';
import { issueListPage, sendIssueList } from './issue-list.js';

export interface ApiDeps extends ApiAuthDeps, Pick<WhatIfRouteDeps, 'calendars'> {
  readonly store: IssueStore;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly deadLetters: DeadLetterStore;
  readonly http: OutboundHttp;
  /** The BullMQ queues, shown in bull-board at /api/queues; asked again per request, since a reload may add chat channels. */
  readonly queues: () => readonly Queue[];
  /** The hours cards' calls (../hours/hours-store.ts); without it no hours are shown. */
  readonly hours?: HoursStore | undefined;
  /** The report's sections beyond the SLA states (obligations), added to every report. */
  readonly reportExtras?: (contract: Contract, month: string) => Promise<Partial<SlaReport>>;
  /** `GET /api/obligations`: each recurring obligation's current period. */
  readonly obligations?: () => Promise<readonly ObligationStatus[]>;
  /** `GET /api/availability`: each uptime target's current month. */
  readonly availability?: () => Promise<readonly unknown[]>;
  /** `GET /api/issues/:sourceId/:issueKey/explain`: why each deadline is where it is. */
  readonly explain?: ExplainLookup;
  /** The iCalendar feeds (../ical/): GET /api/ical lists their URLs. */
  readonly ical?: IcalDeps | undefined;
  /** `GET /api/events`: the dashboards' stream of saved states (dashboard-api.ts). */
  readonly streams?: StateEventStreams | undefined;
  /** `GET /api/teams`: who of each team is on duty now and next. */
  readonly teams?: ReadonlyMap<string, Team> | undefined;
}

/**
 * Read-only: people open the board in a browser with the session cookie, which opens no
 * state-changing request, so buttons for retrying or removing jobs could only fail.
 */
function queueBoard(queues: () => readonly Queue[]): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath('/api/queues');
  const shown = new Set(queues());
  const board = createBullBoard({ queues: [...shown].map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })), serverAdapter: adapter });
  const router = express.Router();
  router.use((_request, _response, next) => {
    for (const queue of queues()) {
      if (shown.has(queue)) continue;
      shown.add(queue);
      board.addQueue(new BullMQAdapter(queue, { readOnlyMode: true }));
    }
    next();
  });
  router.use(adapter.getRouter() as Router);
  return router;
}

const MAX_PAGE_LIMIT = 1_000;

const issueFilterSchema = z.strictObject({
  state: z.enum(['at-risk', 'breached', 'running']).optional(),
  contract: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  metric: metricSchema.optional(),
  priority: prioritySchema.optional(),
  assignee: z.string().min(1).optional(),
  /** A page of the list: at most `limit` issues from the `offset`th on; without them, every one. */
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
type IssueFilter = z.infer<typeof issueFilterSchema>;

function matchesFilter(state: IssueState, filter: IssueFilter): boolean {
  if (!state.sla.covered) return false;
  if (filter.contract && state.sla.contract !== filter.contract) return false;
  if (filter.source && state.source !== filter.source) return false;
  if (filter.priority && state.sla.priority.effective !== filter.priority) return false;
  if (filter.assignee && state.sla.assignee !== filter.assignee) return false;
  const metrics = state.sla.metrics.filter((status) => !filter.metric || status.metric === filter.metric);
  return metrics.some((status) => metricStands(status, filter.state, state.computedAt));
}

function issueSummary(state: IssueState) {
  const sla = state.sla;
  return {
    source: state.source,
    issue: state.issue,
    computedAt: state.computedAt,
    ...(sla.covered
      ? {
          contract: sla.contract,
          customer: sla.customer,
          priority: sla.priority,
          assignee: sla.assignee,
          metrics: sla.metrics.map((status) => ({
            metric: status.metric,
            state: status.state,
            deadline: status.deadline,
            zone: status.zone,
            remainingMs: status.remainingMs,
            elapsedMs: status.elapsedMs,
            targetMs: status.target?.ms,
            metAt: status.metAt,
            atRisk: metricStands(status, 'at-risk', state.computedAt),
          })),
          ...contactFlag(sla.contact),
          ...(sla.signoff ? { signoff: sla.signoff } : {}),
          ...customMetricsOfIssue(sla),
        }
      : { notCovered: sla.reason }),
  };
}

/** Shown only for contracts that list their authorized contacts. */
function contactFlag(contact: ContactCheck | undefined) {
  if (!contact) return {};
  const flag = contact.listed === false ? 'reported by an unlisted contact' : null;
  return { contact: { reporter: contact.reporter, listed: contact.listed, waitsForAcceptance: contact.waitsForAcceptance, flag } };
}

function contractSummary(contract: Contract) {
  return {
    id: contract.id,
    customer: contract.customer,
    tier: contract.tier,
    valid: { from: contract.validFrom ?? null, until: contract.validUntil ?? null },
    calendar: contract.calendar.id,
    covers: contract.covers,
    metrics: contract.metrics.map((rule) => ({ metric: rule.metric, starts: rule.starts, metBy: rule.metBy, targets: Object.fromEntries(Object.entries(rule.targets).map(([priority, target]) => [priority, target && formatDuration(target)])) })),
    warnings: contract.warnings.map((warning) => warning.label),
    hours: contract.hours !== undefined,
    ...customMetricsOfContract(contract),
  };
}

function boundedInt(value: unknown, fallback: number, max: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? Math.min(parsed, max) : fallback;
}

/** Where the next page starts, when there is one. */
const nextOffset = (offset: number, shown: number, total: number) => (offset + shown < total && shown > 0 ? { next: offset + shown } : {});

export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.use(apiThrottle(deps));
  router.use(sessionRouter(deps));
  router.use(apiAuth(deps));
  router.use('/queues', queueBoard(deps.queues));
  router.use(whatIfRouter(deps));
  router.use(dashboardApi(deps));
  router.use(linesRouter(deps));
  const summarize = (state: IssueState) => ({ ...issueSummary(state), ...issueLine(deps.contracts, state) });
  router.get('/issues', async (request, response) => {
    const filter = issueFilterSchema.safeParse(request.query);
    if (!filter.success) {
      const issue = filter.error.issues[0]!;
      // An unknown parameter has no path of its own: the issue names it among its keys.
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : String(issue.path[0]);
      const message = issue.code === 'unrecognized_keys' ? 'not a filter (use state, contract, source, metric, priority, assignee, limit or offset)' : issue.message;
      return void response.status(400).json({ error: `${field}: ${message}`, field });
    }
    const { limit, offset = 0, ...only } = filter.data;
    // From the indexes the states maintain, one page of states read (./issue-list.ts).
    const page = await issueListPage(deps.store, only, (state) => matchesFilter(state, only), offset, limit);
    // `now`: the instant the clocks are told against, which the dashboard ticks on from.
    await sendIssueList(response, deps.store, { now: deps.now(), total: page.total, ...nextOffset(offset, page.members?.length ?? page.states.length, page.total) }, page, summarize);
  });
  router.get('/issues/:sourceId/:issueKey/explain', explainRoute(deps.explain));
  router.get('/issues/:sourceId/:issueKey', async (request, response) => {
    const { sourceId, issueKey } = request.params;
    const issueId = await deps.store.resolveIssueId(sourceId, issueKey);
    const state = issueId && (await deps.store.loadState(sourceId, issueId));
    if (!state) return void response.status(404).json({ error: `no issue ${issueKey} of source ${sourceId}` });
    response.json({ ...state, events: await deps.store.loadEvents(sourceId, state.issue.id) });
  });
  router.get('/reports/:contractId/:month', async (request, response) => {
    const { contractId, month } = request.params;
    const contract = deps.contracts.get(contractId);
    if (!contract) return void response.status(404).json({ error: `unknown contract "${contractId}"` });
    if (!MONTH.test(month)) return void response.status(400).json({ error: `month: "${month}" is not a month (use YYYY-MM)`, field: 'month' });
    const format = String(request.query.format ?? 'json');
    if (!['json', 'csv', 'html'].includes(format)) return void response.status(400).json({ error: `format: "${format}" is not json, csv or html`, field: 'format' });
    const built = { ...buildReport(contract, month, await deps.store.loadStates(await deps.store.listIssues())), ...(await deps.reportExtras?.(contract, month)) };
    const report = deps.hours ? await withHoursSection(built, contract, deps.hours, deps.now()) : built;
    if (format === 'csv') return void response.type('text/csv').send(reportCsv(report));
    if (format === 'html') return void response.type('html').send(reportHtml(report));
    response.json(report);
  });
  router.get('/hours/:contractId', async (request, response) => {
    const contract = deps.contracts.get(request.params.contractId);
    if (!contract) return void response.status(404).json({ error: `unknown contract "${request.params.contractId}"` });
    const status = deps.hours && (await hoursStatus(contract, deps.hours, deps.now()));
    if (!status) return void response.status(404).json({ error: `contract "${contract.id}" has no hours card` });
    response.json(status);
  });
  router.get('/obligations', async (_request, response) => {
    response.json({ obligations: (await deps.obligations?.()) ?? [] });
  });
  router.get('/availability', async (_request, response) => {
    response.json({ availability: (await deps.availability?.()) ?? [] });
  });
  router.get('/ical', icalListRoute(deps.ical));
  router.get('/teams', (_request, response) => void response.json({ teams: teamDutyViews(deps.teams, deps.now()) }));
  router.get('/contracts', (_request, response) => {
    response.json({ contracts: [...deps.contracts.values()].map(contractSummary) });
  });
  router.get('/dead-letters', async (request, response) => {
    response.json(await deps.deadLetters.list({ limit: boundedInt(request.query.limit, 50, 1_000), offset: boundedInt(request.query.offset, 0, 1_000_000) }));
  });
  router.post('/dead-letters/:id/replay', async (request, response) => {
    try {
      const result = await deps.deadLetters.replay(String(request.params.id), deps.http);
      response.json({ status: 'replayed', httpStatus: result.status, attempts: result.attempts });
    } catch (error) {
      if (error instanceof DeadLetterNotFound) return void response.status(404).json({ error: `no dead letter ${request.params.id}` });
      if (error instanceof DeadLetterBusy) return void response.status(409).json({ error: 'a replay of this dead letter is already running' });
      if (error instanceof DeliveryFailure) return void response.status(502).json({ error: `replay failed: ${error.reason}`, permanent: error.permanent });
      throw error;
    }
  });
  return router;
}
