/**
 * The text layer of RFC 5545: content lines, TEXT escaping, line folding and date-time values.
 * Pure and small, so the property tests can take each rule on its own.
 */

/** RFC 5545 3.1: a line is at most 75 octets, not counting its CRLF. */
export const MAX_LINE_OCTETS = 75;
export const CRLF = '\r\n';

/** The UTF-8 length of one code point. */
function utf8Octets(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Folds one content line into lines of at most 75 octets, each continuation starting with a space
 * (which counts towards its 75). Splits between code points only, so no UTF-8 sequence is cut.
 */
export function foldLine(line: string): string {
  // Most lines are short ASCII: nothing to fold.
  if (line.length <= MAX_LINE_OCTETS && /^[\x00-\x7f]*$/.test(line)) return line;
  const lines: string[] = [];
  let start = 0;
  let size = 0;
  for (let index = 0; index < line.length; ) {
    const codePoint = line.codePointAt(index)!;
    const width = utf8Octets(codePoint);
    if (size + width > MAX_LINE_OCTETS) {
      lines.push(line.slice(start, index));
      start = index;
      size = 1; // the space that starts the continuation
    }
    size += width;
    index += codePoint > 0xffff ? 2 : 1;
  }
  lines.push(line.slice(start));
  return lines.join(`${CRLF} `);
}

/** Undoes folding: a CRLF followed by a space or tab is removed (RFC 5545 3.1). */
export function unfoldLines(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

/**
 * TEXT values (RFC 5545 3.3.11): backslash, semicolon and comma escaped, a line break as `\n`.
 * Other control characters are not allowed in TEXT at all and become spaces.
 */
export function escapeText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(/[\\;,\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`))
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ');
}

/** A parameter value: quoted when it holds a character that would end it (RFC 5545 3.2). */
export function paramValue(value: string): string {
  const clean = value.replace(/["\u0000-\u0008\u000a-\u001f\u007f]/g, '');
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

/** One folded content line: `NAME;PARAM=value:value`. The value is taken as already escaped. */
export function contentLine(name: string, value: string, params: Readonly<Record<string, string>> = {}): string {
  const head = [name, ...Object.entries(params).map(([key, param]) => `${key}=${paramValue(param)}`)].join(';');
  return foldLine(`${head}:${value}`);
}

const compact = (iso: string) => iso.slice(0, 19).replace(/[-:]/g, '');

/** A UTC DATE-TIME, `20261025T010000Z`; milliseconds are dropped (iCalendar counts whole seconds). */
export function utcDateTime(instant: number): string {
  return `${compact(new Date(Math.floor(instant / 1000) * 1000).toISOString())}Z`;
}

/** A local DATE-TIME without zone, `20261025T020000`, of an instant seen at `offsetMs` from UTC. */
export function localDateTime(instant: number, offsetMs: number): string {
  return compact(new Date(Math.floor(instant / 1000) * 1000 + offsetMs).toISOString());
}

/** A UTC-OFFSET value (RFC 5545 3.3.14): `+0100`, `-0330`, seconds only when there are any. */
export function utcOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.round(Math.abs(offsetMs) / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = total % 60;
  return `${sign}${pad(Math.floor(total / 3600))}${pad(Math.floor(total / 60) % 60)}${seconds ? pad(seconds) : ''}`;
}
