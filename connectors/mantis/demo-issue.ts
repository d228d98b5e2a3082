/**
 * The issue `sla-bridge demo` sends as this tracker: a new P1, the plugin's `issue_reported` webhook as the tracker sends it.
 */
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { TrackerDemo } from '../connector.js';

export const mantisDemo: TrackerDemo = {
  issueId: '90003',
  issueKey: '90003',
  writeBackPath: '/api/rest/issues/90003',
  webhook: (now) => ({ payload: payload(now), headers: { 'x-mantis-event': 'issue_reported', 'x-mantis-delivery': randomUUID() } }),
};

function payload(now: DateTime) {
  const user = { id: 31, name: 'customer', access_level: 25 };
  return {
    event: 'issue_reported',
    timestamp: now.toMillis(),
    mantis_version: '2.28.1',
    issue: {
      id: 90003,
      project: { id: 1, name: 'demo' },
      category: 'General',
      status: { id: 10, name: 'new' },
      priority: { id: 60, name: 'immediate' },
      severity: { id: 80, name: 'block' },
      handler: null,
      summary: 'Intranet login broken',
      reporter: user,
      tags: [],
      custom_fields: {},
      created_at: now.toMillis(),
      updated_at: now.toMillis(),
      view_url: 'https://mantis.example.com/view.php?id=90003',
    },
  };
}
