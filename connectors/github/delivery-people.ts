/** GitHub's `sender` (who caused the event) and `issue.user` (who opened it), by login; webhooks carry no e-mail. */
import type { DeliveryPeople } from '../shared/acceptance-marks.js';
import type { GithubPayload } from './payload-schema.js';

export const githubPeople = (payload: GithubPayload): DeliveryPeople => ({
  actor: payload.sender?.login ? { names: [payload.sender.login] } : undefined,
  reporter: payload.issue?.user ? { names: [payload.issue.user.login] } : undefined,
  comment: payload.comment ? { author: payload.comment.user ? { names: [payload.comment.user.login] } : undefined, text: payload.comment.body } : undefined,
});
