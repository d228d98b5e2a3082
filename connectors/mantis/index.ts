/**
 * MantisBT, through the SlaBridge plugin in ./plugin: MantisBT has no webhooks, so the plugin
 * defines the payload (./payload-schema.ts) and signs it like Gitea does (bare hex HMAC). What the
 * plugin cannot see, reconciliation reads from the REST API (./reader.ts).
 */
import type { TrackerConnector } from '../connector.js';
import { mantisPeople } from './delivery-people.js';
import { mantisDemo } from './demo-issue.js';
import { buildWriteBack, mantisIssueGone } from './write-back.js';
import { normalizeMantis } from './normalize.js';
import { mantisPayloadSchema, type MantisPayload } from './payload-schema.js';
import { createMantisReader } from './reader.js';
import { mantisSourceSettings } from './source-settings.js';
import { mantisDeliveryId, signMantis, verifyMantis } from './verify.js';
import { mantisIssueCreation } from './issue-creation.js';
import { mantisAssign } from './assign-request.js';

export type { MantisPayload } from './payload-schema.js';

export const mantisConnector: TrackerConnector<MantisPayload> = {
  displayName: 'MantisBT',
  settings: mantisSourceSettings,
  verify: verifyMantis,
  deliveryId: mantisDeliveryId,
  sign: signMantis,
  payloadSchema: mantisPayloadSchema,
  normalize: normalizeMantis,
  people: mantisPeople,
  writeBack: async (source, issue, desired, previous, _lookup, shown) => buildWriteBack(source, source.writeBack, issue, desired, previous, shown),
  assign: mantisAssign,
  issueGone: mantisIssueGone,
  createReader: () => createMantisReader(),
  demo: mantisDemo,
  issueCreation: mantisIssueCreation,
  componentsAre: 'categories',
};
