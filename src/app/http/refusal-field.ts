/**
 * The `field` label of a refused delivery: the payload path that failed, with array indexes as
 * `[]` (items[0] and items[7] are one field) and cut short, so a label set stays small whatever a
 * sender puts in its body. `(body)` when there is no path: unreadable or malformed JSON.
 */
export const BODY_FIELD = '(body)';
const MAX_LENGTH = 80;

export function refusalField(path: readonly PropertyKey[]): string {
  const text = path
    .filter((part) => typeof part !== 'symbol')
    .map((part, index) => (typeof part === 'number' ? '[]' : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
  if (text === '') return BODY_FIELD;
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
