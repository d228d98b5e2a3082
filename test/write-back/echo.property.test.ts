/**
 * The echo proof, for any state: after a successful write the bridge stores `desired` as
 * `previous`, and when the tracker's webhook for that write comes back the clock (which ignores the
 * fields it wrote) produces the same `desired` again, so every tracker must then ask for nothing,
 * or the bridge would write, be echoed and write again forever. `previous` goes through JSON as it
 * would through the store.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { IssueRef } from '../../connectors/connector.js';
import { buildWriteBack as giteaWriteBack } from '../../connectors/gitea/write-back.js';
import { buildWriteBack as jiraWriteBack } from '../../connectors/jira/write-back.js';
import { buildWriteBack as mantisWriteBack } from '../../connectors/mantis/write-back.js';
import { writeBackConfigSchema, writeBackFieldsSchema, type OutgoingRequest, type WriteBackFields } from '../../connectors/shared/write-back-types.js';
import { sourceFileSchema } from '../../src/config/schema.js';
import { compileSource, type Source } from '../../src/config/source.js';
import { METRICS } from '../../src/domain/metric.js';

function sourceOf(kind: 'jira' | 'gitea' | 'mantis'): Source {
  return compileSource(
    `${kind}-demo`,
    sourceFileSchema.parse({
      kind,
      base_url: `https://${kind}.example.com`,
      webhook: { secrets: ['s'] },
      api: { token: 't', user: kind === 'jira' ? 'bot@example.com' : undefined },
      priority: { field: 'priority', map: {}, default: 'P3' },
    }),
  );
}

const everything = (more: { fields?: Record<string, string>; labels?: Record<string, string> }) =>
  writeBackConfigSchema.parse({ enabled: true, due_date: true, comment_on_breach: true, ...more });

const TRACKERS: { name: string; build: (desired: WriteBackFields, previous: WriteBackFields | undefined) => OutgoingRequest[] }[] = [
  {
    name: 'Jira',
    build: (desired, previous) =>
      jiraWriteBack(sourceOf('jira'), everything({ fields: { reaction: 'customfield_1', response: 'customfield_2', resolution: 'customfield_3' } }), { id: '1', key: 'MB-1' }, desired, previous),
  },
  {
    name: 'Gitea',
    build: (desired, previous) => {
      const issue: IssueRef = { id: 'o/r#1', key: 'o/r#1' };
      return giteaWriteBack(sourceOf('gitea'), everything({ labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' } }), issue, desired, previous, new Map([['sla/at-risk', 1], ['sla/breached', 2]]));
    },
  },
  {
    name: 'MantisBT',
    build: (desired, previous) =>
      mantisWriteBack(sourceOf('mantis'), everything({ fields: { reaction: 'A', response: 'B', resolution: 'C' } }), { id: '1', key: '1' }, desired, previous),
  },
];

// 2000 to 2100, across DST changes in zones with and without them, and a half-hour offset.
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const fieldsArbitrary: fc.Arbitrary<WriteBackFields> = fc
  .record({
    reaction: fc.option(instant, { nil: null }),
    response: fc.option(instant, { nil: null }),
    resolution: fc.option(instant, { nil: null }),
    zone: fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'UTC'),
    atRisk: fc.boolean(),
    breachedMetrics: fc.subarray([...METRICS]),
  })
  .map(({ zone, atRisk, breachedMetrics, ...deadlines }) => {
    const open = Object.values(deadlines).filter((deadline): deadline is number => deadline !== null);
    return {
      deadlines,
      zone,
      nearest: open.length > 0 ? Math.min(...open) : null,
      atRisk: atRisk && breachedMetrics.length === 0,
      breached: breachedMetrics.length > 0,
      breachedMetrics,
    };
  });

describe('write-back: the echo of our own write asks for nothing', () => {
  for (const tracker of TRACKERS) {
    it(`${tracker.name}: previous = desired → no request, whatever desired is`, () => {
      fc.assert(
        fc.property(fieldsArbitrary, (desired) => {
          const stored = writeBackFieldsSchema.parse(JSON.parse(JSON.stringify(desired)));
          expect(tracker.build(desired, stored)).to.deep.equal([]);
        }),
      );
    });

    it(`${tracker.name}: what the tracker shows differs both ways or neither (comments aside, which only follow a breach)`, () => {
      const writes = (desired: WriteBackFields, previous: WriteBackFields) =>
        tracker.build(desired, previous).filter((request) => !/\/(comment|comments|notes)$/.test(request.url));
      fc.assert(
        fc.property(fieldsArbitrary, fieldsArbitrary, (before, after) => {
          expect(writes(after, before).length > 0).to.equal(writes(before, after).length > 0);
        }),
      );
    });
  }
});
