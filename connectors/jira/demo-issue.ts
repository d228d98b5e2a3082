/**
 * The issue `sla-bridge demo` sends as this tracker: a new P1, a Jira Cloud `jira:issue_created` webhook as the tracker sends it.
 */
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { TrackerDemo } from '../connector.js';

export const jiraDemo: TrackerDemo = {
  issueId: '90001',
  issueKey: 'DEMO-1',
  writeBackPath: '/rest/api/2/issue/90001',
  webhook: (now) => ({ payload: payload(now), headers: { 'x-atlassian-webhook-identifier': randomUUID() } }),
};

function payload(now: DateTime) {
  return {
    timestamp: now.toMillis(),
    webhookEvent: 'jira:issue_created',
    issue_event_type_name: 'issue_created',
    issue: {
      id: '90001',
      key: 'DEMO-1',
      self: 'https://jira.example.com/rest/api/2/issue/90001',
      fields: {
        summary: 'Payments fail for every customer',
        created: now.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ"),
        priority: { name: 'Highest' },
        status: { name: 'Open' },
        project: { key: 'DEMO', name: 'Demo' },
        components: [],
        labels: [],
        assignee: null,
      },
    },
  };
}
