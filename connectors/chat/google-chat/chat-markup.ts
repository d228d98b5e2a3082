/**
 * Card widgets take a small HTML subset (`<b>`, `<a href>`, `<font>`), so tracker text is
 * entity-escaped there. The message `text` has its own markup in which `<users/all>` notifies the
 * whole space and `<url|label>` is a link; angle brackets in tracker text become look-alike
 * quotation marks there, since that format documents no escape.
 */
export function escapeCardHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function neutralizeChatText(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›');
}
