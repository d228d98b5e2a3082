/** Adds the hours card section to a monthly report, from the calls the bridge keeps in Redis. */
import type { Contract } from '../../domain/contract.js';
import { hoursReportSection } from '../../domain/hours-report.js';
import type { SlaReport } from '../../domain/sla-report.js';
import type { HoursStore } from './hours-store.js';

export async function withHoursSection(report: SlaReport, contract: Contract, store: HoursStore, now: number): Promise<SlaReport> {
  if (!contract.hours) return report;
  return { ...report, hours: hoursReportSection(contract.hours, await store.loadCalls(contract.id, contract.hours), report.month, report.zone, now) };
}
