/**
 * The issue `sla-bridge demo` sends as this tracker: a new P1, a Gitea `issues` (opened) webhook as the tracker sends it.
 */
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { TrackerDemo } from '../connector.js';

export const giteaDemo: TrackerDemo = {
  issueId: 'demo/shop#1',
  issueKey: 'demo/shop#1',
  writeBackPath: '/api/v1/repos/demo/shop/issues/1',
  webhook: (now) => ({ payload: payload(now), headers: { 'x-gitea-event': 'issues', 'x-gitea-event-type': 'issues', 'x-gitea-delivery': randomUUID() } }),
};

function payload(now: DateTime) {
  const at = now.toISO({ suppressMilliseconds: true });
  return {
    action: 'opened',
    number: 1,
    issue: {
      id: 90002,
      number: 1,
      title: 'Shop checkout is down',
      html_url: 'https://gitea.example.com/demo/shop/issues/1',
      state: 'open',
      labels: [{ id: 1, name: 'priority/1' }],
      assignee: null,
      assignees: null,
      created_at: at,
      updated_at: at,
      closed_at: null,
      pull_request: null,
    },
    repository: { full_name: 'demo/shop', name: 'shop', owner: { login: 'demo' } },
    sender: { login: 'customer' },
  };
}
