/** Jira's `user` (who caused the event) and `issue.fields.reporter`: Cloud names people by accountId, Data Center by name. */
import type { DeliveryPeople } from '../shared/acceptance-marks.js';
import type { JiraPayload, JiraUser } from './payload-schema.js';

const person = (user: JiraUser | null | undefined) => (user ? { names: [user.accountId, user.name], email: user.emailAddress } : undefined);

export const jiraPeople = (payload: JiraPayload): DeliveryPeople => ({
  actor: person(payload.user),
  reporter: person(payload.issue?.fields.reporter),
  comment: payload.comment && { author: person(payload.comment.author), text: payload.comment.body },
});
