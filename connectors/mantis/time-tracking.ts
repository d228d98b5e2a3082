/**
 * MantisBT's time tracking as time records: time is booked with a note (the bugnote's
 * `time_tracking` column, minutes; `bugnote_add` in core/bugnote_api.php), so each note is one
 * record. The plugin (1.2+) sends the minutes with `note_added`; the REST API shows them on a
 * note of type `timelog` as `time_tracking: { duration: "HH:MM" }` (`mci_issue_note_data_as_array`
 * in api/soap/mc_issue_api.php, `db_minutes_to_hhmm`). Both stamp the record with the note's
 * creation, so one told twice is the same fact.
 */
import type { IssueEvent } from '../../src/domain/issue-event.js';

export const noteRecordId = (noteId: number) => `mantis-note:${noteId}`;

export function noteTimeEvent(noteId: number, minutes: number | undefined, createdAt: number, author: string | undefined): IssueEvent[] {
  if (!minutes || minutes <= 0) return [];
  return [{ type: 'time_logged', at: createdAt, recordId: noteRecordId(noteId), seconds: minutes * 60, author: author ?? null }];
}

/** `"01:30"` (or `"1:30"`) as minutes; undefined for anything else. */
export function durationMinutes(duration: string | undefined): number | undefined {
  const match = duration === undefined ? null : /^(\d+):([0-5]\d)$/.exec(duration.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}
