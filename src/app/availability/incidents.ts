/** A contract's incidents of its availability priority, with their outages, from the issue states and logs in Redis. */
import type { Contract } from '../../domain/contract.js';
import { outagesOf } from '../../domain/availability.js';
import type { Incident } from '../../domain/availability-report.js';
import type { IssueStore } from '../store/issue-store.js';

export async function loadIncidents(store: IssueStore, contract: Contract): Promise<Incident[]> {
  const rule = contract.availability;
  if (!rule) return [];
  const states = await store.loadStates(await store.listIssues());
  const incidents: Incident[] = [];
  for (const state of states) {
    if (!state.sla.covered || state.sla.contract !== contract.id || state.sla.deleted || state.sla.priority.effective !== rule.priority) continue;
    const outages = outagesOf(await store.loadEvents(state.source, state.issue.id), rule, contract.calendar.zone);
    if (outages.length > 0) incidents.push({ source: state.source, issue: state.issue, outages });
  }
  return incidents;
}
