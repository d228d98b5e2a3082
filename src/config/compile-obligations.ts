/** A contract file's `obligations:` as the domain's obligations, their calendars resolved. */
import type { BusinessCalendar } from '../domain/business-calendar.js';
import { durationToMs, formatDuration } from '../domain/duration.js';
import type { Obligation } from '../domain/obligation.js';
import type { PathPart } from './config-report.js';
import type { ObligationFile } from './schema.js';

export function compileObligations(
  files: readonly ObligationFile[],
  contractCalendar: BusinessCalendar | undefined,
  calendars: ReadonlyMap<string, BusinessCalendar>,
  fail: (path: PathPart[], message: string) => void,
): Obligation[] {
  const obligations: Obligation[] = [];
  files.forEach((file, index) => {
    const calendar = file.calendar ? calendars.get(file.calendar) : contractCalendar;
    if (!calendar) {
      if (file.calendar) fail(['obligations', index, 'calendar'], `unknown calendar "${file.calendar}" (known: ${[...calendars.keys()].sort().join(', ')})`);
      return;
    }
    obligations.push({
      id: file.id,
      title: file.title,
      every: file.every,
      calendar,
      source: file.source,
      project: file.project,
      description: file.description,
      labels: file.labels,
      issueType: file.issue_type,
      warnBeforeMs: file.warn_before && durationToMs(file.warn_before, calendar.dayMs, calendar.weekMs),
      warnBeforeText: file.warn_before && formatDuration(file.warn_before),
    });
  });
  return obligations;
}
