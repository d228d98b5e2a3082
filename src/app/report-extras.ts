/**
 * The sections of the monthly report that read more than the issues' SLA states: the recurring
 * obligations' periods and the month's availability. The report command and the API add them to `buildReport`'s report.
 */
import type { Contract } from '../domain/contract.js';
import type { SlaReport } from '../domain/sla-report.js';
import { loadObligationRows } from './obligations/obligation-rows.js';
import { availabilitySection } from '../domain/availability-report.js';
import { loadIncidents } from './availability/incidents.js';
import { ObligationStore } from './obligations/obligation-store.js';
import { IssueStore } from './store/issue-store.js';
import type { RedisClient } from './store/redis-connection.js';

export async function reportExtras(redis: RedisClient, prefix: string, contract: Contract, month: string, now: number): Promise<Partial<SlaReport>> {
  const issues = new IssueStore(redis, prefix);
  const obligations = await loadObligationRows(contract, month, new ObligationStore(redis, prefix), issues, now);
  const availability = contract.availability && availabilitySection(contract.availability, month, contract.calendar.zone, await loadIncidents(issues, contract), now);
  return { ...(obligations ? { obligations } : {}), ...(availability ? { availability } : {}) };
}
