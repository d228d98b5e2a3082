/**
 * Text from trackers and config goes into chat messages of several formats with length limits.
 * Everything inserted is first made a single, well-formed, visible line, then cut on grapheme
 * boundaries, so a limit never splits an emoji or a flag and a title cannot break the layout.
 */

// Control characters, line and paragraph separators, and bidi overrides that could visually reorder
// the text around them (a title must not be able to make a deadline read differently).
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export const ELLIPSIS = '…';

/** One trimmed line: control characters become spaces, runs of whitespace one space. */
export function oneLine(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The longest prefix of `text` whose escaped form, plus an ellipsis when cut, is at most `max`
 * UTF-16 code units: chat systems count in code units or code points, and code units are never
 * fewer. Escaping per grapheme means an entity such as `&amp;` is never cut in half.
 */
export function truncate(text: string, max: number, escape: (text: string) => string = (same) => same): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    const next = kept + escape(segment);
    if (next.length + ELLIPSIS.length > max) break;
    kept = next;
  }
  return kept + ELLIPSIS;
}

/** `oneLine` then `truncate`, with a stand-in for text that ends up empty. */
export function cleanText(text: string, max: number, empty = '–'): string {
  const line = oneLine(text);
  return line === '' ? empty : truncate(line, max);
}
