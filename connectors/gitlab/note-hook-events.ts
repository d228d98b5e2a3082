/** The engine events of a Note Hook on an issue: a new comment, public or internal. */
import type { Source } from '../../src/config/source.js';
import { commentedEvent } from './fact-events.js';
import { epochMs } from './issue-facts.js';
import type { HookEvents } from './issue-hook-events.js';
import type { GitlabNoteHook } from './payload-schema.js';

/**
 * Whether everyone who sees the issue sees the note. GitLab sends an internal note, and every
 * note on a confidential issue, to the Confidential Note Hook (`event_type: confidential_note`,
 * `Note#confidential?(include_noteable: true)`), and no release puts the note's own `internal`
 * flag into the payload. On a public issue such a note is internal. On a confidential issue
 * (Service Desk issues are) it may be either; it is taken as internal, because that errs on the
 * side reconciliation corrects: the REST API tells `internal`, and a public reply then meets the
 * metric at its own time, whereas an internal note taken for a public reaction would stay a
 * reaction that never was.
 */
export function isPublicNote(hook: GitlabNoteHook, event: string | undefined): boolean {
  const note = hook.object_attributes;
  if (note.internal === true || note.confidential === true) return false;
  return hook.event_type !== 'confidential_note' && event !== 'Confidential Note Hook';
}

export function noteHookEvents(source: Source, hook: GitlabNoteHook, event: string | undefined): HookEvents {
  const note = hook.object_attributes;
  if (note.system === true) return { ignored: 'system notes (changes GitLab writes as notes) are not comments' };
  if (note.action != null && note.action !== 'create') return { ignored: `comment ${note.action === 'update' ? 'edited' : note.action}: only new comments affect SLA clocks` };
  const commented = commentedEvent(source, { username: hook.user?.username, email: hook.user?.email }, epochMs(note.created_at), isPublicNote(hook, event));
  return commented ? { events: [commented] } : { ignored: 'a comment by the bridge itself (api.user)' };
}
