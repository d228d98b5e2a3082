/**
 * GitLab's `user`: who caused the event. Issue hooks name the author only by `author_id`, so the
 * reporter is known from the `open` hook, whose user is the author.
 */
import type { DeliveryPeople } from '../shared/acceptance-marks.js';
import { isIssueHook, isNoteHook, type GitlabPayload, type GitlabUser } from './payload-schema.js';

const person = (user: GitlabUser | null | undefined) => (user?.username ? { names: [user.username], email: user.email } : undefined);

export function gitlabPeople(payload: GitlabPayload): DeliveryPeople {
  // A note hook's user is the note's author.
  if (isNoteHook(payload)) return { comment: { author: person(payload.user), text: payload.object_attributes.note } };
  if (!isIssueHook(payload)) return {};
  return { actor: person(payload.user), reporter: payload.object_attributes.action === 'open' ? person(payload.user) : undefined };
}
