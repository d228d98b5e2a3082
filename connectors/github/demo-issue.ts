/**
 * The issue `sla-bridge demo` sends as this tracker: a new P1, a GitHub `issues` (opened) webhook as the tracker sends it.
 */
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { TrackerDemo } from '../connector.js';

// GitHub issues have no due date: with no Project in the demo source its labels are all that is written, from the warning on.

export const githubDemo: TrackerDemo = {
  issueId: 'demo/app#1',
  issueKey: 'demo/app#1',
  writeBackPath: '/api/v3/repos/demo/app/issues/1',
  webhook: (now) => ({ payload: payload(now), headers: { 'x-github-event': 'issues', 'x-github-delivery': randomUUID() } }),
};

function payload(now: DateTime) {
  const at = now.toUTC().toISO({ suppressMilliseconds: true });
  const customer = { login: 'customer', id: 90004, type: 'User', site_admin: false };
  return {
    action: 'opened',
    issue: {
      id: 90004,
      number: 1,
      title: 'Login page returns 500',
      html_url: 'https://github.com/demo/app/issues/1',
      user: customer,
      labels: [{ id: 1, name: 'priority/1', color: 'b60205', default: false }],
      state: 'open',
      assignee: null,
      assignees: [],
      comments: 0,
      created_at: at,
      updated_at: at,
      closed_at: null,
      author_association: 'NONE',
      state_reason: null,
    },
    repository: { id: 9004, name: 'app', full_name: 'demo/app', private: true, html_url: 'https://github.com/demo/app', owner: { login: 'demo', type: 'Organization' } },
    sender: customer,
  };
}
