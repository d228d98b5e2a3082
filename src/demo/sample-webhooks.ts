/**
 * The demo's sample webhooks: one new P1 issue from each tracker kind, shaped and signed as the
 * tracker (or, for MantisBT, the plugin) sends it, created at `now`.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { type ConnectorRegistry, connectorOf } from '../../connectors/connector.js';
import type { SourceKind } from '../config/source.js';

export interface SampleWebhook {
  readonly source: string;
  readonly kind: SourceKind;
  readonly issueId: string;
  readonly issueKey: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const SECRETS: Record<string, string> = { 'jira-demo': 'demo-jira-secret', 'gitea-demo': 'demo-gitea-secret', 'mantis-demo': 'demo-mantis-secret', 'gitlab-demo': 'demo-gitlab-secret', 'github-demo': 'demo-github-secret' };

function jiraIssueCreated(now: DateTime) {
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

function giteaIssueOpened(now: DateTime) {
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

function githubIssueOpened(now: DateTime) {
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

function mantisIssueReported(now: DateTime) {
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

/** An Issue Hook as GitLab sends one for a new issue (test/fixtures/gitlab/issue-opened.json, trimmed). */
function gitlabIssueOpened(now: DateTime) {
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

export function sampleWebhooks(connectors: ConnectorRegistry, now = DateTime.now().setZone('Europe/Amsterdam')): SampleWebhook[] {
  const samples: { source: string; kind: SourceKind; issueId: string; issueKey: string; payload: unknown; headers: Record<string, string> }[] = [
    { source: 'jira-demo', kind: 'jira', issueId: '90001', issueKey: 'DEMO-1', payload: jiraIssueCreated(now), headers: { 'x-atlassian-webhook-identifier': randomUUID() } },
    { source: 'gitea-demo', kind: 'gitea', issueId: 'demo/shop#1', issueKey: 'demo/shop#1', payload: giteaIssueOpened(now), headers: { 'x-gitea-event': 'issues', 'x-gitea-event-type': 'issues', 'x-gitea-delivery': randomUUID() } },
    { source: 'github-demo', kind: 'github', issueId: 'demo/app#1', issueKey: 'demo/app#1', payload: githubIssueOpened(now), headers: { 'x-github-event': 'issues', 'x-github-delivery': randomUUID() } },
    { source: 'mantis-demo', kind: 'mantis', issueId: '90003', issueKey: '90003', payload: mantisIssueReported(now), headers: { 'x-mantis-event': 'issue_reported', 'x-mantis-delivery': randomUUID() } },
    { source: 'gitlab-demo', kind: 'gitlab', issueId: 'demo/helpdesk#1', issueKey: 'demo/helpdesk#1', payload: gitlabIssueOpened(now), headers: { 'x-gitlab-event': 'Issue Hook', 'idempotency-key': randomUUID() } },
  ];
  return samples.map(({ payload, headers, ...sample }) => {
    const body = Buffer.from(JSON.stringify(payload));
    return { ...sample, body, headers: { 'content-type': 'application/json', ...headers, ...connectorOf(connectors, sample.kind).sign(SECRETS[sample.source]!, body) } };
  });
}
