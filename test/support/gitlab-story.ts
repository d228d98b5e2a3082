/** The webhooks of GitLab issue #42's life (test/fixtures/gitlab/), in the order GitLab sent them. */
export const GITLAB_ISSUE_42_WEBHOOKS = [
  'issue-opened',
  'issue-label-priority-1',
  'issue-assigned',
  'note-by-agent',
  'note-internal',
  'issue-label-waiting',
  'note-by-customer',
  'issue-label-waiting-removed',
  'note-edited',
  'issue-closed',
  'issue-reopened',
  'issue-due-date-edited',
] as const;
