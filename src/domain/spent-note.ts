/**
 * The note convention for trackers without time tracking of their own (GitHub): a comment line
 * `/spent 1h30m` books time, like GitLab's quick action. Several such lines add up; hours and
 * minutes, largest first, with or without spaces (`1h 30m`, `90m`, `1.5h`).
 */
const LINE = /^[ \t]*\/spent[ \t]+(.+?)[ \t]*$/gim;
const AMOUNT = /^(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+)\s*m)?$/i;

/** The seconds a comment books, or undefined when no line of it is a `/spent` line that parses. */
export function spentSeconds(text: string): number | undefined {
  let total: number | undefined;
  for (const match of text.matchAll(LINE)) {
    const amount = AMOUNT.exec(match[1]!.trim());
    if (!amount || (amount[1] === undefined && amount[2] === undefined)) continue;
    const seconds = Math.round(Number(amount[1] ?? 0) * 3600 + Number(amount[2] ?? 0) * 60);
    total = (total ?? 0) + seconds;
  }
  return total;
}
