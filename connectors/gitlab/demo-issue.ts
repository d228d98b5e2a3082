/**
 * The issue `sla-bridge demo` sends as this tracker: a new P1, a GitLab Issue Hook (open) webhook as the tracker sends it
 * (test/fixtures/gitlab/issue-opened.json, trimmed).
 */
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { TrackerDemo } from '../connector.js';

export const gitlabDemo: TrackerDemo = {
  issueId: 'demo/helpdesk#1',
  issueKey: 'demo/helpdesk#1',
  writeBackPath: '/api/v4/projects/demo%2Fhelpdesk/issues/1',
  webhook: (now) => ({ payload: payload(now), headers: { 'x-gitlab-event': 'Issue Hook', 'idempotency-key': randomUUID() } }),
};

function payload(now: DateTime) {
  const at = now.toUTC().toISO();
  const label = { id: 1, title: 'priority::1', type: 'ProjectLabel' };
  return {
    object_kind: 'issue',
    event_type: 'issue',
    user: { id: 31, name: 'Customer', username: 'customer' },
    project: { id: 4, path_with_namespace: 'demo/helpdesk', web_url: 'https://gitlab.example.com/demo/helpdesk' },
    object_attributes: {
      id: 90004,
      iid: 1,
      title: 'Customer portal returns 500',
      state: 'opened',
      created_at: at,
      updated_at: at,
      closed_at: null,
      due_date: null,
      assignee_ids: [],
      labels: [label],
      type: 'Issue',
      url: 'https://gitlab.example.com/demo/helpdesk/-/issues/1',
      action: 'open',
    },
    labels: [label],
    changes: { created_at: { previous: null, current: at } },
  };
}
