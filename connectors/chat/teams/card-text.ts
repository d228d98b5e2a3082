/**
 * Adaptive Card TextBlocks and facts are read as a markdown subset, and how Teams clients treat
 * backslash escapes differs between desktop and mobile. The one construct that matters is a link:
 * an invisible zero-width space between `]` and `(` keeps a title such as `[urgent](https://evil)`
 * from becoming a clickable link in a manager's channel, on every client, without visible change.
 */
export function neutralizeCardMarkdown(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(');
}
