/**
 * GitLab (gitlab.com, Self-Managed and Dedicated): Issue Hook and Note Hook deliveries, the due
 * date and SLA labels written back, reconciliation from the issues' notes and resource events.
 */
import type { TrackerConnector } from '../connector.js';
import { gitlabPeople } from './delivery-people.js';
import { gitlabAgentMembers } from './agent-members.js';
import { gitlabDemo } from './demo-issue.js';
import { gitlabDeliveryId } from './delivery-id.js';
import { normalizeGitlabDelivery } from './normalize.js';
import { gitlabPayloadSchema, type GitlabPayload } from './payload-schema.js';
import { gitlabReader } from './reader.js';
import { signGitlabDelivery } from './sign.js';
import { verifyGitlabDelivery } from './verify.js';
import { gitlabIssueGone, gitlabWriteBack } from './write-back.js';

export type { GitlabPayload } from './payload-schema.js';
import { gitlabSourceSettings } from './source-settings.js';
import { gitlabIssueCreation } from './issue-creation.js';
import { gitlabGroupMembers } from './group-members.js';
import { gitlabAssign, gitlabAssigneeId } from './assign-request.js';

export type { GitlabSettings } from './source-settings.js';

export const displayName = 'GitLab';

export const gitlabConnector: TrackerConnector<GitlabPayload> = {
  displayName,
  settings: gitlabSourceSettings,
  verify: (source, delivery) => verifyGitlabDelivery(source, delivery),
  deliveryId: gitlabDeliveryId,
  sign: signGitlabDelivery,
  payloadSchema: gitlabPayloadSchema,
  normalize: normalizeGitlabDelivery,
  people: gitlabPeople,
  writeBack: gitlabWriteBack,
  issueGone: gitlabIssueGone,
  createReader: () => gitlabReader,
  agentMembers: gitlabAgentMembers,
  demo: gitlabDemo,
  issueCreation: gitlabIssueCreation,
  groupMembers: gitlabGroupMembers,
  assign: gitlabAssign,
  assigneeId: gitlabAssigneeId,
};
