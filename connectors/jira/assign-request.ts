/**
 * Jira: `PUT /rest/api/2/issue/{id}/assignee`. Jira Cloud names people by `accountId` (the line's
 * assignee must then be one), Server and Data Center by user `name`.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import type { OutboundRequest } from '../outbound-request.js';
import { JSON_HEADERS } from '../shared/write-back-requests.js';
import { isJiraCloud } from './rest-api.js';
import { jiraAuthorization } from './write-back.js';

export function jiraAssign(source: Source, issue: IssueRef, assignee: string): OutboundRequest[] {
  return [
    {
      method: 'PUT',
      url: `${source.baseUrl}/rest/api/2/issue/${encodeURIComponent(issue.id)}/assignee`,
      headers: { Authorization: jiraAuthorization(source), ...JSON_HEADERS },
      body: JSON.stringify(isJiraCloud(source) ? { accountId: assignee } : { name: assignee }),
      description: `jira ${source.id}: assign issue ${issue.key} to ${assignee}`,
    },
  ];
}
