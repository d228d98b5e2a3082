/** Gitea's `sender` (who caused the event) and `issue.user` (who opened it); both by login. */
import type { DeliveryPeople } from '../shared/acceptance-marks.js';
import type { GiteaPayload } from './payload-schema.js';

export const giteaPeople = (payload: GiteaPayload): DeliveryPeople => ({
  actor: payload.sender?.login ? { names: [payload.sender.login], email: payload.sender.email } : undefined,
  reporter: payload.issue?.user ? { names: [payload.issue.user.login], email: payload.issue.user.email } : undefined,
  comment: payload.comment ? { author: payload.comment.user ? { names: [payload.comment.user.login] } : undefined, text: payload.comment.body } : undefined,
});
