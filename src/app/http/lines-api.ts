/**
 * Support lines in the status API: each issue summary names the line the issue is with now (its
 * assignee's line), which the dashboard's line filter reads; `GET /api/lines` gives per contract
 * and line the handovers, reaction median and 90th percentile and breaches, of every stored issue
 * or (`?month=YYYY-MM`) of the issues created in that month, as the monthly report counts them.
 */
import express, { type Router } from 'express';
import { DateTime } from 'luxon';
import type { Contract } from '../../domain/contract.js';
import { currentLine, lineStats } from '../../domain/line-stats.js';
import type { IssueSla } from '../../domain/sla-clock.js';
import { MONTH, percentile } from '../../domain/sla-report.js';
import type { IssueState, IssueStore } from '../store/issue-store.js';

export function issueLine(contracts: ReadonlyMap<string, Contract>, state: IssueState): { line?: string } {
  const line = state.sla.covered ? currentLine(contracts.get(state.sla.contract), state.sla) : undefined;
  return line ? { line } : {};
}

export interface LinesApiDeps {
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly store: Pick<IssueStore, 'listIssues' | 'loadStates'>;
}

type Covered = Extract<IssueSla, { covered: true }>;

export function linesRouter(deps: LinesApiDeps): Router {
  const router = express.Router();
  router.get('/lines', async (request, response) => {
    const month = request.query.month;
    if (month !== undefined && (typeof month !== 'string' || !MONTH.test(month))) return void response.status(400).json({ error: `month: "${String(month)}" is not a month (use YYYY-MM)`, field: 'month' });
    const only = request.query.contract;
    if (only !== undefined && (typeof only !== 'string' || !deps.contracts.has(only))) return void response.status(400).json({ error: `contract: unknown contract "${String(only)}"`, field: 'contract' });
    const contracts = [...deps.contracts.values()].filter((contract) => contract.supportLines && contract.supportLines.size > 0 && (!only || contract.id === only));
    const states = contracts.length > 0 ? await deps.store.loadStates(await deps.store.listIssues()) : [];
    response.json({
      ...(month ? { month } : {}),
      contracts: contracts.map((contract) => {
        const start = month ? DateTime.fromISO(`${month}-01`, { zone: contract.calendar.zone }) : undefined;
        const [from, until] = start ? [start.toMillis(), start.plus({ months: 1 }).toMillis()] : [-Infinity, Infinity];
        const issues = states.flatMap((state) => (state.sla.covered && state.sla.contract === contract.id && !state.sla.deleted && state.sla.createdAt >= from && state.sla.createdAt < until ? [{ sla: state.sla as Covered }] : []));
        return { contract: contract.id, customer: contract.customer, lines: lineStats(contract, issues, percentile) };
      }),
    });
  });
  return router;
}
