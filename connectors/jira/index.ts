import type { TrackerConnector } from '../connector.js';
import { jiraPeople } from './delivery-people.js';
import { jiraDemo } from './demo-issue.js';
import { buildWriteBack, jiraIssueGone } from './write-back.js';
import { jiraDeliveryId } from './delivery-id.js';
import { normalizeJira } from './normalize.js';
import { jiraReader } from './reader.js';
import { jiraSourceSettings } from './source-settings.js';
import { jiraPayloadSchema, type JiraPayload } from './payload-schema.js';
import { signJira, verifyJira } from './verify.js';
import { jiraIssueCreation } from './issue-creation.js';
import { jiraAssign } from './assign-request.js';
import { jiraGroupMembers } from './group-members.js';

export type { JiraPayload } from './payload-schema.js';

export const jiraConnector: TrackerConnector<JiraPayload> = {
  displayName: 'Jira',
  settings: jiraSourceSettings,
  verify: verifyJira,
  deliveryId: jiraDeliveryId,
  sign: signJira,
  payloadSchema: jiraPayloadSchema,
  normalize: normalizeJira,
  people: jiraPeople,
  writeBack: async (source, issue, desired, previous, _lookup, shown) => buildWriteBack(source, source.writeBack, issue, desired, previous, shown),
  assign: jiraAssign,
  issueGone: jiraIssueGone,
  createReader: () => jiraReader,
  demo: jiraDemo,
  issueCreation: jiraIssueCreation,
  groupMembers: jiraGroupMembers,
  componentsAre: 'components',
};
