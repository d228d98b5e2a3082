/**
 * Mattermost renders posts and attachment text as Markdown and scans them for mentions. Tracker
 * text is data: Markdown punctuation is backslash-escaped, and a word joiner after `@` keeps a
 * title such as `@channel down` from notifying the whole channel.
 */
const MARKDOWN = /[\\`*_~[\]<>|#]/g;

export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, (char) => `\\${char}`).replace(/@(?=\w)/g, '@\u2060');
}

/** `[text](url)`; characters that end a link destination early are percent-encoded. */
export function markdownLink(url: string, text: string): string {
  const destination = url.replace(/[()\s<>]/g, (char) => encodeURIComponent(char));
  return `[${escapeMarkdown(text)}](${destination})`;
}
