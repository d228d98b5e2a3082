/** The plugin's `issue.reporter` (MantisBT user name and e-mail); it names no actor of a change. */
import type { DeliveryPeople } from '../shared/acceptance-marks.js';
import type { MantisPayload } from './payload-schema.js';

export const mantisPeople = (payload: MantisPayload): DeliveryPeople => ({
  reporter: payload.issue.reporter ? { names: [payload.issue.reporter.name], email: payload.issue.reporter.email } : undefined,
  comment:
    payload.event === 'note_added'
      ? { author: payload.note.reporter ? { names: [payload.note.reporter.name], email: payload.note.reporter.email } : undefined, text: payload.note.text }
      : undefined,
});
