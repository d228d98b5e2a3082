/**
 * GitHub Issues, on GitHub.com, GitHub Enterprise Cloud and GitHub Enterprise Server: `issues` and
 * `issue_comment` webhooks (signed X-Hub-Signature-256), labels for priority and pauses, SLA labels
 * and a Project date written back, the REST timeline read for reconciliation.
 */
import type { TrackerConnector } from '../connector.js';
import { githubPeople } from './delivery-people.js';
import { githubAgentMembers } from './agent-members.js';
import { githubDemo } from './demo-issue.js';
import { githubDeliveryId } from './delivery-id.js';
import { normalizeGithubDelivery } from './normalize.js';
import { githubPayloadSchema, type GithubPayload } from './payload-schema.js';
import { githubReader } from './reader.js';
import { signGithubDelivery } from './sign.js';
import { verifyGithubDelivery } from './verify.js';
import { githubIssueGone } from './write-back.js';
import { githubWriteBack } from './write-back-with-project.js';

export type { GithubPayload } from './payload-schema.js';
import { githubSourceSettings } from './source-settings.js';
import { githubIssueCreation } from './issue-creation.js';
import { githubAssign } from './assign-request.js';
import { githubGroupMembers } from './group-members.js';

export type { GithubSettings } from './source-settings.js';

export const displayName = 'GitHub';

export const githubConnector: TrackerConnector<GithubPayload> = {
  displayName,
  settings: githubSourceSettings,
  verify: verifyGithubDelivery,
  deliveryId: githubDeliveryId,
  sign: signGithubDelivery,
  payloadSchema: githubPayloadSchema,
  normalize: normalizeGithubDelivery,
  people: githubPeople,
  writeBack: githubWriteBack,
  assign: githubAssign,
  issueGone: githubIssueGone,
  createReader: () => githubReader,
  agentMembers: githubAgentMembers,
  demo: githubDemo,
  issueCreation: githubIssueCreation,
  groupMembers: githubGroupMembers,
};
