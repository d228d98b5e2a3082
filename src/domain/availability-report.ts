/** The report's and the status API's availability section: the month against the target, and the incidents that made its downtime. */
import type { Instant } from './business-calendar.js';
import { downtimeMs, monthAvailability, monthSpan, type AvailabilityRule, type MonthAvailability, type Outage } from './availability.js';

export interface Incident {
  readonly source: string;
  readonly issue: { readonly id: string; readonly key: string; readonly title?: string | undefined; readonly url?: string | undefined };
  readonly outages: readonly Outage[];
}

export interface AvailabilitySection extends MonthAvailability {
  readonly zone: string;
  readonly priority: string;
  /** The incidents with downtime in the month, by when they went down, each with its share of it (overlaps counted in each). */
  readonly incidents: readonly { readonly source: string; readonly key: string; readonly url?: string | undefined; readonly downtimeMs: number; readonly open: boolean }[];
}

export function availabilitySection(rule: AvailabilityRule, month: string, zone: string, incidents: readonly Incident[], now: Instant): AvailabilitySection {
  const { from, until } = monthSpan(month, zone);
  const month_ = monthAvailability(rule, month, zone, incidents.flatMap((incident) => incident.outages), now);
  const firstDown = (incident: Incident) => Math.min(...incident.outages.map((outage) => outage.from));
  const listed = [...incidents]
    .sort((a, b) => firstDown(a) - firstDown(b) || a.issue.key.localeCompare(b.issue.key))
    .map((incident) => ({
      source: incident.source,
      key: incident.issue.key,
      ...(incident.issue.url ? { url: incident.issue.url } : {}),
      downtimeMs: downtimeMs(incident.outages, from, until, now),
      open: incident.outages.some((outage) => outage.to === null),
    }))
    .filter((incident) => incident.downtimeMs > 0 || incident.open);
  return { ...month_, zone, priority: rule.priority, incidents: listed };
}
