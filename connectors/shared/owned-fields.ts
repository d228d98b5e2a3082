/**
 * The fields the bridge owns in a tracker: the deadline fields, the due date and the SLA labels.
 * The bridge writes them; nobody else should. But people edit issues, and MantisBT's edit page even
 * re-saves every date field it shows at local midnight, so a delivery may show an owned field with
 * another value than the bridge wrote: then the field is written again.
 *
 * Each field is compared as canonical text at the tracker's own precision (a Gitea due date is a
 * day, a MantisBT date field a second), keyed by the connector's own name for the field. The echo
 * of the bridge's own write then compares equal, so a restore never starts a write loop; the
 * write-back job also stops restoring a value the tracker keeps changing (see src/app/jobs/write-back.ts).
 */

/**
 * What a delivery showed of the owned fields, by field key (`customfield_10060`, `duedate`,
 * `SLA reaction`, `label:sla/at-risk`) as canonical text; null for an empty field. A field the
 * delivery did not show is absent.
 */
export type ShownFields = Readonly<Record<string, string | null>>;

export interface OwnedField<V> {
  readonly key: string;
  /** What the request sends to make the tracker show it. */
  readonly value: V;
  /** What the tracker then shows, as canonical text; null for empty. */
  readonly canonical: string | null;
}

/**
 * The wanted fields the tracker does not hold. It holds what a delivery last showed, where one
 * showed the field since the bridge's last write, and otherwise what the bridge last wrote.
 */
export function fieldsToWrite<V>(wanted: readonly OwnedField<V>[], written: readonly OwnedField<unknown>[], shown: ShownFields | undefined): OwnedField<V>[] {
  const writtenValues = new Map(written.map((field) => [field.key, field.canonical]));
  return wanted.filter((field) => {
    const held = shown !== undefined && Object.hasOwn(shown, field.key) ? shown[field.key] : writtenValues.get(field.key);
    return held !== field.canonical;
  });
}

/** An instant as canonical text at a precision of `unitMs`: the tracker keeps no finer time. */
export const canonicalInstant = (instant: number | null, unitMs: number): string | null => (instant === null ? null : String(Math.floor(instant / unitMs)));
