/** The recorded webhooks of Gitea issue #42's life (test/fixtures/gitea/), in the order Gitea sent them. */
export const GITEA_ISSUE_42_WEBHOOKS = [
  'issue-opened',
  'issue-edited',
  'label-updated-priority-1',
  'issue-assigned',
  'comment-by-agent',
  'label-updated-waiting-for-customer',
  'comment-by-customer',
  'label-updated-waiting-removed',
  'comment-edited',
  'issue-closed',
  'issue-reopened',
  'issue-unassigned',
] as const;
