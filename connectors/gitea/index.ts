/** Gitea and Forgejo: one connector serves both kinds, as Forgejo sends every Gitea header too. */
import type { TrackerConnector } from '../connector.js';
import { giteaPeople } from './delivery-people.js';
import { giteaDemo } from './demo-issue.js';
import { giteaDeliveryId } from './delivery-id.js';
import { giteaSourceSettings } from './source-settings.js';
import { normalizeGiteaDelivery } from './normalize.js';
import { giteaPayloadSchema, type GiteaPayload } from './payload-schema.js';
import { giteaReader } from './reader.js';
import { signGiteaDelivery } from './sign.js';
import { verifyGiteaDelivery } from './verify.js';
import { giteaIssueGone } from './write-back.js';
import { giteaWriteBack } from './write-back-with-labels.js';
import { giteaIssueCreation } from './issue-creation.js';
import { giteaAssign } from './assign-request.js';
import { giteaGroupMembers } from './group-members.js';

export type { GiteaPayload } from './payload-schema.js';

export const giteaConnector: TrackerConnector<GiteaPayload> = {
  displayName: 'Gitea',
  settings: giteaSourceSettings('Gitea'),
  verify: verifyGiteaDelivery,
  deliveryId: giteaDeliveryId,
  sign: signGiteaDelivery,
  payloadSchema: giteaPayloadSchema,
  normalize: normalizeGiteaDelivery,
  people: giteaPeople,
  writeBack: giteaWriteBack,
  assign: giteaAssign,
  issueGone: giteaIssueGone,
  createReader: () => giteaReader,
  demo: giteaDemo,
  issueCreation: giteaIssueCreation,
  groupMembers: giteaGroupMembers,
};

/** Forgejo sends every Gitea header and body; only its name differs. */
export const forgejoConnector: TrackerConnector<GiteaPayload> = { ...giteaConnector, displayName: 'Forgejo', settings: giteaSourceSettings('Forgejo') };
