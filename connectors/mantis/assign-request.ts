/**
 * MantisBT: the issue's handler is set by name in the same PATCH the write-back uses (issues_rest.php
 * merges it over the issue). A REST update raises no plugin event, so no webhook echoes it: the
 * bridge records the assignment itself (src/app/jobs/line-escalation.ts). The status stays as it
 * was: a REST update sets the handler only (mc_issue_update), while MantisBT's
 * auto_set_status_to_assigned is applied by bug_assign, which the web's Assign uses (bug_api.php,
 * bug_get_status_for_assign), so no status change stops the next line's handover at once
 * (test/mantisbt-real.test.ts shows both on a real MantisBT).
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
