/**
 * The issue id in a comment's `self` link, `https://jira.example.com[/context]/rest/api/2/issue/10013/comment/10001`
 * (also `api/3` and `api/latest`): the only place a Jira Server or Data Center `comment_created`
 * names its issue. Only a numeric id counts: the bridge stores Jira issues by id, and a key here
 * would file the comment under an issue of its own.
 */
const COMMENT_SELF = /\/rest\/api\/(?:2|3|latest)\/issue\/(\d+)\/comment\/\d+\/?(?:[?#].*)?$/;

export function issueIdOfCommentSelf(self: string | undefined): string | undefined {
  return self === undefined ? undefined : COMMENT_SELF.exec(self)?.[1];
}
