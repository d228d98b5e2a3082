/**
 * The format of `sla-bridge export` and `import`: JSON lines, one per issue, after one header line.
 * Every line says its format version (`v`), so a file stays readable when the format changes and
 * lines can be filtered or joined with grep and jq. The event log is the record: `import`
 * recomputes each state from it; the exported `state` is for reading the file without a bridge.
 */
import { z } from 'zod';
import { issueEventSchema } from '../../domain/issue-event.js';
import { journalRecordSchema } from '../../domain/issue-journal.js';
import { contractMarkSchema } from '../store/contract-marks.js';
import { writeBackFieldsSchema } from '../../domain/write-back-fields.js';

export const EXPORT_VERSION = 1;

/** The first line: where and when the file was made, and how many issue lines follow (so a cut-off file shows). */
export const exportHeaderSchema = z.strictObject({
  v: z.literal(EXPORT_VERSION),
  type: z.literal('export'),
  exportedAt: z.iso.datetime(),
  prefix: z.string(),
  /** `--source`: only this source's issues; null: every source. */
  source: z.string().min(1).nullable(),
  issues: z.number().int().nonnegative(),
  /** How many marks the `marks` line after the issues holds (absent in files without one). */
  marks: z.number().int().nonnegative().optional(),
});
export type ExportHeader = z.infer<typeof exportHeaderSchema>;

export const exportedIssueSchema = z.strictObject({
  v: z.literal(EXPORT_VERSION),
  type: z.literal('issue'),
  source: z.string().min(1),
  issue: z.strictObject({ id: z.string().min(1), key: z.string().min(1), title: z.string().optional(), url: z.string().optional() }),
  /** Every key that names the issue in lookups: the current one and those before a move. */
  keys: z.array(z.string().min(1)).default([]),
  /** The event log in arrival order (ties in time are applied in this order). */
  events: z.array(issueEventSchema),
  /** The delivery ids the log was told, so a resent delivery is still known after an import; empty once compacted. */
  eventIds: z.array(z.string().min(1)).default([]),
  /** Notifications sent per metric: never sent again. */
  /** Keyed by the presets' names and those of metrics defined by conditions. */
  sent: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  /** What the bridge did about the issue (messages sent, write-backs), for its explanation. */
  journal: z.array(journalRecordSchema).default([]),
  /** What the bridge last wrote into the tracker's fields. */
  written: writeBackFieldsSchema.nullable().default(null),
  /** The state as the bridge last computed it; `import` does not read it. */
  state: z.strictObject({ computedAt: z.number().int(), eventCount: z.number().int().nonnegative(), sla: z.record(z.string(), z.unknown()) }).nullable().default(null),
});
export type ExportedIssue = z.infer<typeof exportedIssueSchema>;
export type ExportedIssueInput = z.input<typeof exportedIssueSchema>;

/**
 * After the issues of a whole export (not of one `--source`): what the bridge remembers about
 * contracts so that it happens once (obligation periods opened and told, downtime budget shares
 * told, contract-term warnings sent; src/app/store/contract-marks.ts).
 */
export const exportedMarksSchema = z.strictObject({
  v: z.literal(EXPORT_VERSION),
  type: z.literal('marks'),
  marks: z.array(contractMarkSchema),
});
export type ExportedMarks = z.infer<typeof exportedMarksSchema>;

export const exportLineSchema = z.discriminatedUnion('type', [exportHeaderSchema, exportedIssueSchema, exportedMarksSchema]);
export type ExportLine = z.infer<typeof exportLineSchema>;
