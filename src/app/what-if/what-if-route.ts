/**
 * `POST /api/what-if`: the what-if comparison over the API. Mounted behind the API's auth, which
 * lets a POST through with the bearer token only (the session cookie opens GET and HEAD), so a
 * page of another site cannot make a logged-in browser run one. The YAML comes in the JSON body;
 * `${VAR}` in it is not filled from the bridge's environment, which holds its secrets.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { BusinessCalendar } from '../../domain/business-calendar.js';
import type { Contract } from '../../domain/contract.js';
import { MONTH } from '../../domain/sla-report.js';
import { ConfigError } from '../../config/config-error.js';
import { applyWhatIfFile } from '../../config/what-if-file.js';
import type { IssueStore } from '../store/issue-store.js';
import { whatIfCsv, whatIfHtml } from './what-if-format.js';
import { MAX_WHAT_IF_MONTHS, runWhatIf } from './what-if-run.js';

export interface WhatIfRouteDeps {
  readonly store: IssueStore;
  readonly contracts: ReadonlyMap<string, Contract>;
  /** The config's calendars, which a changed contract may name; without them, those the contracts use. */
  readonly calendars?: ReadonlyMap<string, BusinessCalendar> | undefined;
  readonly now: () => number;
}

/** A contract file is a few kB; this leaves room for comments and long lists. */
const BODY_LIMIT = '256kb';

const whatIfBodySchema = z.strictObject({
  contract: z.string({ error: 'expected a contract id' }).min(1, 'expected a contract id'),
  month: z.string({ error: 'expected a month (YYYY-MM)' }).regex(MONTH, 'is not a month (use YYYY-MM)'),
  months: z.number({ error: `expected a number of months from 1 to ${MAX_WHAT_IF_MONTHS}` }).int(`expected a whole number of months`).min(1).max(MAX_WHAT_IF_MONTHS).optional(),
  with: z.string({ error: 'expected the YAML text of a contract or calendar file' }).min(1, 'expected the YAML text of a contract or calendar file'),
  format: z.enum(['json', 'csv', 'html'], { error: 'is not json, csv or html' }).optional(),
});

function usedCalendars(contracts: ReadonlyMap<string, Contract>): Map<string, BusinessCalendar> {
  const calendars = new Map<string, BusinessCalendar>();
  for (const contract of contracts.values()) {
    calendars.set(contract.calendar.id, contract.calendar);
    for (const calendar of Object.values(contract.priorityCalendars)) if (calendar) calendars.set(calendar.id, calendar);
  }
  return calendars;
}

const badRequest = (response: Response, field: string, message: string, extra: object = {}) => void response.status(400).json({ error: `${field}: ${message}`, field, ...extra });

export function whatIfRouter(deps: WhatIfRouteDeps): Router {
  const router = express.Router();
  router.post('/what-if', express.json({ limit: BODY_LIMIT }), async (request, response) => {
    if (!request.is('application/json')) return badRequest(response, 'body', 'send JSON (Content-Type: application/json): { contract, month, months?, with, format? }');
    const parsed = whatIfBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      if (issue.code === 'unrecognized_keys') return badRequest(response, issue.keys[0]!, 'not a field (use contract, month, months, with or format)');
      if (issue.path.length === 0) return badRequest(response, 'body', 'expected a JSON object { contract, month, months?, with, format? }');
      return badRequest(response, String(issue.path[0]), issue.message);
    }
    const body = parsed.data;
    const contract = deps.contracts.get(body.contract);
    if (!contract) return badRequest(response, 'contract', `unknown contract "${body.contract}" (known: ${[...deps.contracts.keys()].join(', ')})`);
    let changed;
    try {
      changed = applyWhatIfFile(body.with, 'with', contract, deps.calendars ?? usedCalendars(deps.contracts), {});
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return badRequest(response, 'with', error.problems.map((problem) => `${problem.path ? `${problem.path}: ` : ''}${problem.message}${problem.line ? ` (line ${problem.line})` : ''}`).join('; '), { problems: error.problems });
    }
    const report = await runWhatIf(deps.store, { contract, changed, file: 'with', month: body.month, months: body.months ?? 1, now: deps.now() });
    if (body.format === 'csv') return void response.type('text/csv').send(whatIfCsv(report));
    if (body.format === 'html') return void response.type('html').send(whatIfHtml(report));
    response.json(report);
  });
  // The JSON parser's refusals, named: a body that is not JSON, or too long.
  router.use('/what-if', (error: unknown, _request: Request, response: Response, next: NextFunction) => {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.parse.failed') return badRequest(response, 'body', 'is not valid JSON');
    if (type === 'entity.too.large') return void response.status(413).json({ error: `body: longer than ${BODY_LIMIT}`, field: 'body' });
    next(error);
  });
  return router;
}
