/**
 * One suite for every connector in the registry, run on each tracker's recorded fixtures through
 * the real express app, queue and workers: what a tracker sends is verified, accepted (or ignored
 * with a reason), stored once, and turned into SLA state. A new tracker folder gets all of this by
 * adding its fixtures.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { connectorOf, type WebhookDelivery } from '../../connectors/connector.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { PLUGINS } from '../../src/app/plugins.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import { parseSource } from '../../src/config/source-schema.js';
import type { Source } from '../../src/config/source.js';
import { issueEventSchema } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { shippedConfig } from '../support/shipped-config.js';

interface Fixture {
  readonly name: string;
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const SECRET = 'conformance-secret';

/**
 * The source a kind's fixtures are checked against, with a known secret: the one its fixtures
 * bring (test/fixtures/<kind>/source.yaml), or its shipped demo source (config/sources/<kind>-demo.yaml).
 */
function sourceOf(kind: string): Source {
  const file = path.join(projectRoot(), 'test/fixtures', kind, 'source.yaml');
  if (existsSync(file)) {
    const raw = YAML.parse(readFileSync(file, 'utf8')) as { id: string };
    return { ...parseSource(raw.id, raw, PLUGINS.trackers), secrets: [SECRET] };
  }
  const shipped = shippedConfig().sources.get(`${kind}-demo`);
  if (!shipped) throw new Error(`tracker kind ${kind} has neither test/fixtures/${kind}/source.yaml nor a demo source (config/sources/${kind}-demo.yaml)`);
  return { ...shipped, secrets: [SECRET] };
}

/** A kind's fixtures: written from the tracker's documentation, and under eras/ as real servers of each release sent them. */
function fixtures(kind: string): Fixture[] {
  return ['', 'eras'].flatMap((folder) => {
    const dir = path.join(projectRoot(), 'test/fixtures', kind, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => ({ name: path.join(folder, name), ...(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Omit<Fixture, 'name'>) }));
  });
}

/** Every tracker the bridge has: a new one is checked here by adding its fixtures. */
const KINDS = Object.keys(trackerConnectors);

/** Every instant a payload states: epoch-ms numbers and ISO-8601 strings (Jira writes +0100), and GitLab's `2017-12-10 16:37:38 UTC`. */
function instantsIn(value: unknown, found = new Set<number>()): Set<number> {
  if (typeof value === 'number' && value > 1e12 && value < 1e13) found.add(value);
  const ruby = typeof value === 'string' && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (UTC|[+-]\d{4})$/.exec(value);
  if (ruby) found.add(Date.parse(`${ruby[1]}T${ruby[2]}${ruby[3] === 'UTC' ? 'Z' : ruby[3]!.replace(/(\d{2})$/, ':$1')}`));
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const parsed = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isNaN(parsed)) found.add(parsed);
  }
  if (value !== null && typeof value === 'object') for (const item of Object.values(value)) instantsIn(item, found);
  return found;
}

/** A copy of `value` with its `pick`-th value (depth first, modulo their number) set to `replacement`, or removed. */
function withOneValueChanged(value: unknown, pick: number, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const collect = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      slots.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      collect(child);
    }
  };
  collect(copy);
  if (slots.length === 0) return copy;
  const { parent, key } = slots[pick % slots.length]!;
  if (replacement !== undefined) (parent as Record<string | number, unknown>)[key] = replacement;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key as string];
  return copy;
}

describe('tracker connector conformance', function () {
  this.timeout(60_000);
  const sources = new Map(KINDS.map((kind) => [kind, sourceOf(kind)]));
  const config: SlaConfig = { ...shippedConfig(), sources: new Map([...sources.values()].map((source) => [source.id, source])) };
  let bridge: TestBridge;

  before(async () => {
    bridge = await startTestBridge({ config });
  });
  after(async () => {
    await bridge.close();
  });

  it('has recorded fixtures for every connector kind', () => {
    for (const kind of KINDS) expect(fixtures(kind).length, kind).to.be.greaterThan(1);
  });

  for (const kind of KINDS) {
    const connector = connectorOf(trackerConnectors, kind);
    const source = sources.get(kind)!;

    describe(kind, () => {
      const all = fixtures(kind);
      const delivery = (fixture: Fixture, secret = SECRET): WebhookDelivery => {
        const rawBody = Buffer.from(JSON.stringify(fixture.body));
        return { headers: { ...fixture.headers, ...connector.sign(secret, rawBody, source) }, rawBody };
      };

      it('verifies what it signs, and refuses another secret or a changed body', () => {
        for (const fixture of all) {
          const signed = delivery(fixture);
          expect(connector.verify(source, signed), fixture.name).to.deep.equal({ ok: true });
          expect(connector.verify(source, delivery(fixture, 'another-secret')).ok, fixture.name).to.equal(false);
          const changed = { ...signed, rawBody: Buffer.concat([signed.rawBody, Buffer.from(' ')]) };
          expect(connector.verify(source, changed).ok, fixture.name).to.equal(false);
        }
      });

      it('never throws on arbitrary headers and bodies', () => {
        fc.assert(
          fc.property(fc.dictionary(fc.string(), fc.string()), fc.uint8Array({ maxLength: 200 }), (headers, body) => {
            const probe = { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])), rawBody: Buffer.from(body) };
            expect(connector.verify(source, probe).ok).to.equal(false);
            connector.deliveryId(probe);
          }),
          { numRuns: 200 },
        );
      });

      it('refuses JSON that is not its payload with a message, and normalizes what it accepts without throwing', () => {
        // Arbitrary JSON, and near misses: a fixture with one value replaced or removed.
        const body = fc.oneof(
          fc.jsonValue(),
          fc.tuple(fc.constantFrom(...all), fc.nat(), fc.option(fc.jsonValue(), { nil: undefined })).map(([fixture, pick, value]) => withOneValueChanged(fixture.body, pick, value)),
        );
        fc.assert(
          fc.property(fc.constantFrom(...all), body, (fixture, json) => {
            const parsed = connector.payloadSchema.safeParse(json);
            if (!parsed.success) {
              // What the webhook route answers 400 with.
              expect(parsed.error.issues[0]!.message).to.be.a('string').and.not.equal('');
              return;
            }
            const rawBody = Buffer.from(JSON.stringify(json));
            const normalized = connector.normalize(source, parsed.data, { headers: { ...fixture.headers, ...connector.sign(SECRET, rawBody) }, rawBody });
            expect(normalized.outcome).to.be.oneOf(['events', 'ignored']);
          }),
          { numRuns: 300 },
        );
      });

      it('normalizes every fixture into valid engine events stamped with tracker time, or ignores it with a reason', () => {
        for (const fixture of all) {
          const signed = delivery(fixture);
          const payload = connector.payloadSchema.parse(fixture.body);
          const normalized = connector.normalize(source, payload, signed);
          if (normalized.outcome === 'ignored') {
            expect(normalized.reason, fixture.name).to.be.a('string').and.not.equal('');
            continue;
          }
          expect(normalized.issue.id, fixture.name).to.be.a('string').and.not.equal('');
          const stated = instantsIn(fixture.body);
          for (const event of normalized.events) {
            expect(issueEventSchema.parse(event), fixture.name).to.deep.equal(event);
            // The tracker's own time, never the time of arrival.
            expect([...stated], `${fixture.name} ${event.type} at ${new Date(event.at).toISOString()}`).to.include(event.at);
          }
        }
      });

      it('accepts every fixture through the real endpoint once, and the workers compute its state', async () => {
        const touched = new Set<string>();
        for (const fixture of all) {
          const signed = delivery(fixture);
          const result = await postRaw(`${bridge.url}/webhooks/${source.id}`, signed.rawBody, signed.headers as Record<string, string>);
          expect(result.status, `${fixture.name}: ${JSON.stringify(result.body)}`).to.be.oneOf([200, 202]);
          if (result.status === 200) {
            expect(result.body.status, fixture.name).to.equal('ignored');
            continue;
          }
          const normalized = connector.normalize(source, connector.payloadSchema.parse(fixture.body), signed);
          if (normalized.outcome === 'events') touched.add(normalized.issue.id);
          const again = await postRaw(`${bridge.url}/webhooks/${source.id}`, signed.rawBody, signed.headers as Record<string, string>);
          expect(again.body.status, `${fixture.name} sent twice`).to.equal('duplicate');
        }
        await waitForIdleQueue(bridge);
        expect(touched.size, 'issues').to.be.greaterThan(0);
        for (const issueId of touched) {
          const state = await waitForState(bridge, source.id, issueId);
          expect(state.eventCount, issueId).to.be.greaterThan(0);
        }
      });
    });
  }
});
