/**
 * Slack's mrkdwn gives `&`, `<` and `>` meaning (`<!channel>`, `<url|text>`); escaped as Slack
 * documents, a title such as `<!channel> help` is shown as written instead of paging a channel.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|text>`; a `|` in the URL would end it early, so it is percent-encoded. */
export function mrkdwnLink(url: string, text: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(text)}>`;
}
