/** The webhooks of GitHub issue #42's life (test/fixtures/github/), in the order GitHub sent them. */
export const GITHUB_ISSUE_42_WEBHOOKS = [
  'issue-opened',
  'labeled-at-creation',
  'issue-edited',
  'unlabeled-priority-2',
  'labeled-priority-1',
  'assigned',
  'comment-by-agent',
  'labeled-waiting-for-customer',
  'comment-by-customer',
  'unlabeled-waiting-for-customer',
  'comment-edited',
  'closed',
  'reopened',
  'unassigned',
  'milestoned',
] as const;
