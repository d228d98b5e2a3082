/** The status API's view of availability: every contract with an uptime target, its current month. */
import type { Contract } from '../../domain/contract.js';
import { monthOf } from '../../domain/availability.js';
import { availabilitySection, type AvailabilitySection } from '../../domain/availability-report.js';
import type { IssueStore } from '../store/issue-store.js';
import { loadIncidents } from './incidents.js';

export async function currentAvailability(contracts: Iterable<Contract>, store: IssueStore, now: number): Promise<(AvailabilitySection & { readonly contract: string })[]> {
  const sections: (AvailabilitySection & { readonly contract: string })[] = [];
  for (const contract of contracts) {
    if (!contract.availability) continue;
    const zone = contract.calendar.zone;
    sections.push({ contract: contract.id, ...availabilitySection(contract.availability, monthOf(now, zone), zone, await loadIncidents(store, contract), now) });
  }
  return sections;
}
