/**
 * MantisBT: the issue's handler is set by name in the same PATCH the write-back uses (issues_rest.php
 * merges it over the issue). A REST update raises no plugin event, so no webhook echoes it: the
 * bridge records the assignment itself (src/app/jobs/line-escalation.ts). MantisBT's
 * auto_set_status_to_assigned changes the status only when the issue had no handler before
 * (bug_api.php, bug_get_status_for_assign), not on a handover from one line to the next.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import type { OutboundRequest } from '../outbound-request.js';
import { JSON_HEADERS } from '../shared/write-back-requests.js';
import { mantisAuthorization } from './write-back.js';

export function mantisAssign(source: Source, issue: IssueRef, assignee: string): OutboundRequest[] {
  return [
    {
      method: 'PATCH',
      url: `${source.baseUrl}/api/rest/issues/${encodeURIComponent(issue.id)}`,
      headers: { Authorization: mantisAuthorization(source), ...JSON_HEADERS },
      body: JSON.stringify({ handler: { name: assignee } }),
      description: `mantis ${source.id}: assign issue ${issue.key} to ${assignee}`,
    },
  ];
}
