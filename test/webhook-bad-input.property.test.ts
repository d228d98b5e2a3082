/**
 * Bad input at POST /webhooks/:sourceId, for every tracker kind in the registry, through the real
 * express app, queue and workers on a real Redis: hostile JSON, real payloads with values replaced
 * by hostile ones, broken bytes, garbage and duplicate signature headers, any content type, bodies
 * past the size, depth and array limits. The answer is always 2xx or 4xx with a message (naming the
 * field where the payload's schema found one), never 5xx; a refused delivery leaves no key in
 * Redis; an accepted one is processed by the workers without failing.
 *
 * The recorded-payload property in test/connectors/recorded-deliveries.test.ts says which near
 * misses must be accepted; this one says that nothing at all can make the bridge fail.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import YAML from 'yaml';
import { connectorOf } from '../connectors/connector.js';
import { trackerConnectors } from '../connectors/registry.js';
import { AVAILABILITY_QUEUE, DUTY_HANDOVER_QUEUE, RECONCILE_QUEUE, RETENTION_QUEUE } from '../src/app/jobs/pipeline.js';
import { acceptedDeliveryJob } from './support/accepted-delivery.js';
import { createLogger } from '../src/app/logger.js';
import { PLUGINS } from '../src/app/plugins.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import type { SlaConfig } from '../src/config/load-config.js';
import { parseSource } from '../src/config/source-schema.js';
import type { Source } from '../src/config/source.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { Body, brokenBytes, jsonBody, mutatedBody, nastyJson, nastyString, nestedIn } from './support/hostile-input.js';
import { rawRequest, type RawAnswer } from './support/raw-http.js';
import { sharedRedis } from './support/redis-server.js';
import { shippedConfig } from './support/shipped-config.js';
import { waitUntil } from './support/wait-for.js';

const SECRET = 'bad-input-secret';
const KINDS = Object.keys(trackerConnectors);
/** Per kind and property; the whole file stays under ~20 s on a 2-core machine. */
const RUNS = { signed: 150, unsigned: 80 } as const;

interface Fixture {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** The kind's webhook fixtures (top level and eras/), as conformance.test.ts reads them. */
function fixtures(kind: string): Fixture[] {
  return ['', 'eras'].flatMap((folder) => {
    const dir = path.join(projectRoot(), 'test/fixtures', kind, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => ({ name: path.join(folder, name), ...(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Omit<Fixture, 'name'>) }))
      .filter((fixture) => fixture.headers !== undefined && fixture.body !== undefined);
  });
}

/**
 * A source of `kind` that no contract covers (`bad-input-<kind>`): what it accepts is stored but
 * starts no timer, so once the ingest queue is idle nothing changes its keys but the next request.
 */
function sourceOf(kind: string): Source {
  const file = path.join(projectRoot(), 'test/fixtures', kind, 'source.yaml');
  const base = existsSync(file)
    ? (() => {
        const raw = YAML.parse(readFileSync(file, 'utf8')) as { id: string };
        return parseSource(raw.id, raw, PLUGINS.trackers);
      })()
    : shippedConfig().sources.get(`${kind}-demo`)!;
  return { ...base, id: `bad-input-${kind}`, secrets: [SECRET] };
}

/** Every header a tracker's delivery id travels in: fresh ones, so that mutated bodies are not answered as duplicates. */
const DELIVERY_HEADER = /delivery|uuid|identifier|idempotency|^webhook-id$/i;

/** Redis keys that change on their own (BullMQ's own bookkeeping, a running job's lock), left out of the comparison. */
const HOUSEKEEPING = /:(events|stalled-check|marker|meta|id|stalled|limiter|active|wait|completed|failed|delayed|prioritized|paused|pc|de|lock)$/;
/**
 * The queues job schedulers fill on their own clock (retention runs once at start), never a
 * request; and a duty handover, which fires at a shift's start whatever the hour the test runs at,
 * with its mark and its chat job.
 */
const SCHEDULED = new RegExp(`:(${[RETENTION_QUEUE, RECONCILE_QUEUE, AVAILABILITY_QUEUE, DUTY_HANDOVER_QUEUE].join('|')}):|:duty-handover-sent:|:handover-[0-9a-f]+-`);

async function keysOf(redis: RedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await (redis as import('ioredis').Redis).scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch.filter((key) => !HOUSEKEEPING.test(key) && !SCHEDULED.test(key)));
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

function describeAnswer(answer: RawAnswer): string {
  return `${answer.status} ${answer.text.slice(0, 300)}`;
}

/** What every answer must be: 2xx saying what happened, or 4xx saying what was wrong. */
function expectClearAnswer(answer: RawAnswer, context: string): void {
  expect(answer.status, `${context}: ${describeAnswer(answer)}`).to.be.within(200, 499);
  expect(answer.json, `${context}: a JSON answer`).to.be.an('object');
  if (answer.status >= 400) {
    expect(answer.json!.error, `${context}: ${describeAnswer(answer)}`).to.be.a('string').and.not.equal('');
    const field = answer.json!.field;
    if (answer.status === 400 && typeof field === 'string') expect(String(answer.json!.error), context).to.include(field);
  } else {
    expect(answer.json!.status, context).to.be.oneOf(['accepted', 'ignored', 'duplicate']);
    if (answer.json!.status === 'ignored') expect(answer.json!.reason, context).to.be.a('string').and.not.equal('');
  }
}

describe('bad input at the webhook endpoint, every tracker kind', function () {
  this.timeout(120_000);
  const sources = new Map(KINDS.map((kind) => [kind, sourceOf(kind)]));
  const config: SlaConfig = { ...shippedConfig(), sources: new Map([...sources.values()].map((source) => [source.id, source])) };
  const logLines: string[] = [];
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
  let bridge: TestBridge;
  let redis: RedisClient;

  before(async () => {
    bridge = await startTestBridge({ config, logger: createLogger({ level: 'debug', format: 'json', stream: output }) });
    redis = createRedis(urlTarget((await sharedRedis()).url), 'worker');
  });
  after(async () => {
    await bridge?.close();
    redis?.disconnect();
  });
  afterEach(() => {
    // A 500 is logged as "webhook failed" before it is answered.
    expect(logLines.filter((line) => line.includes('"level":"error"')), 'error log lines').to.deep.equal([]);
  });

  /** Sends, then checks the answer; a refusal must leave Redis as it was, an acceptance must be processed without failing. */
  async function probe(source: Source, headers: [string, string][], body: Buffer, context: string): Promise<RawAnswer> {
    await waitForIdleQueue(bridge);
    const before = await keysOf(redis, bridge.prefix);
    const answer = await rawRequest(`${bridge.url}/webhooks/${encodeURIComponent(source.id)}`, 'POST', headers, body);
    expectClearAnswer(answer, context);
    if (answer.status >= 400) {
      expect(await keysOf(redis, bridge.prefix), `${context}: keys after a ${answer.status}`).to.deep.equal(before);
    } else if (answer.status === 202) {
      const job = await acceptedDeliveryJob(bridge.queue, source.id, String(answer.json!.deliveryId));
      expect(job, `${context}: the accepted delivery is queued`).not.to.equal(undefined);
      const state = await waitUntil(`${context}: the delivery to be processed`, () => job!.getState(), (seen) => seen !== 'waiting' && seen !== 'active', { intervalMs: 5 });
      const failed = await bridge.queue.getJob(job!.id!);
      expect(state, `${context}: ${failed?.failedReason}`).to.equal('completed');
    }
    return answer;
  }

  for (const kind of KINDS) {
    const connector = connectorOf(trackerConnectors, kind);
    const source = sources.get(kind)!;
    const all = fixtures(kind);

    describe(kind, () => {
      const signedHeaders = (fixture: Fixture, raw: Buffer, contentType: string): [string, string][] => {
        const headers = Object.entries(fixture.headers)
          .filter(([name]) => name.toLowerCase() !== 'content-type')
          .map(([name, value]): [string, string] => [name, DELIVERY_HEADER.test(name) ? randomUUID() : value]);
        return [...headers, ['content-type', contentType], ...Object.entries(connector.sign(SECRET, raw, source))];
      };

      it(`has webhook fixtures to mutate (test/fixtures/${kind})`, () => {
        expect(all.length).to.be.greaterThan(1);
      });

      it('answers every correctly signed body, however broken, 2xx or 4xx with a message, never 5xx; stores nothing it refuses', async () => {
        const byName = new Map(all.map((fixture) => [fixture.name, fixture]));
        const body = fc.constantFrom(...byName.keys()).chain((name) => {
          const fixture = byName.get(name)!;
          return fc.record({
            name: fc.constant(name),
            bytes: fc.oneof(
              { weight: 5, arbitrary: mutatedBody(fixture.body).map(jsonBody) },
              { weight: 2, arbitrary: nastyJson.map(jsonBody) },
              { weight: 2, arbitrary: brokenBytes(fixture.body).map((bytes) => new Body(bytes)) },
            ),
            contentType: fc.oneof(
              { weight: 9, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON ', 'application/json;charset=latin1') },
              { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded') },
            ),
          });
        });
        const seen = new Map<number, number>();
        await fc.assert(
          fc.asyncProperty(body, async ({ name, bytes: { bytes }, contentType }) => {
            const fixture = byName.get(name)!;
            const answer = await probe(source, signedHeaders(fixture, bytes, contentType), bytes, `${kind} ${name} ${bytes.subarray(0, 120).toString('utf8')}`);
            seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          }),
          // Every fixture as it is comes first, so that accepted deliveries are among the cases whatever the seed.
          { numRuns: RUNS.signed, examples: all.map((fixture) => [{ name: fixture.name, bytes: jsonBody(fixture.body), contentType: 'application/json' }]) },
        );
        // The bodies reached both sides of the schema: some were taken, some refused for a field.
        expect([...seen.keys()], JSON.stringify([...seen])).to.include.members([202, 400]);
      });

      it('refuses anything not correctly signed 4xx, whatever the headers, content type and body, and stores nothing', async () => {
        const signatureNames = ['x-hub-signature', 'x-hub-signature-256', 'x-gitea-signature', 'x-forgejo-signature', 'x-gitlab-token', 'x-mantis-signature', 'webhook-signature', 'webhook-id', 'webhook-timestamp'];
        const headerName = fc.oneof(fc.constantFrom(...signatureNames, ...Object.keys(all[0]!.headers), 'content-type'), fc.stringMatching(/^x-[a-z-]{1,12}$/));
        // Printable Latin-1: what node:http lets a client send.
        const headerText = fc.oneof(
          fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((code) => code !== 0x7f).map((code) => String.fromCharCode(code)), maxLength: 80 }),
          fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
          fc.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
        );
        const request = fc.record({
          headers: fc.array(fc.tuple(headerName, headerText), { maxLength: 8 }),
          // A real signature, sent twice or next to garbage: ambiguous, refused.
          duplicateRealSignature: fc.boolean(),
          body: fc.oneof(brokenBytes(all[0]!.body).map((bytes) => new Body(bytes)), nastyJson.map(jsonBody), fc.constant(jsonBody(all[0]!.body))),
        });
        await fc.assert(
          fc.asyncProperty(request, async ({ headers, duplicateRealSignature, body: { bytes: body } }) => {
            const sent: [string, string][] = headers.map(([name, value]) => [name, value]);
            if (duplicateRealSignature) {
              for (const [name, value] of Object.entries(connector.sign(SECRET, body, source))) sent.push([name, value], [name, `${value}0`]);
            }
            const answer = await probe(source, sent, body, `${kind} ${JSON.stringify(sent)}`);
            expect(answer.status, `${kind}: not signed, so not taken: ${describeAnswer(answer)}`).to.be.within(400, 499);
          }),
          { numRuns: RUNS.unsigned },
        );
      });

      it('refuses bodies past the size, depth and array limits 413, naming the limit, before the schema', async () => {
        const send = (json: unknown) => {
          const bytes = Buffer.from(JSON.stringify(json));
          return probe(source, signedHeaders(all[0]!, bytes, 'application/json'), bytes, kind);
        };
        const { maxDepth, maxArrayLength } = source.jsonLimits;
        const tooDeep = await send({ ...(all[0]!.body as object), x_nested: nestedIn(maxDepth, 'array') });
        expect(tooDeep.status).to.equal(413);
        expect(tooDeep.json).to.deep.include({ limit: 'webhook.depth_limit' });
        expect(String(tooDeep.json!.field)).to.match(/^x_nested(\[0\])+/);
        expect(String(tooDeep.json!.error)).to.include(`deeper than ${maxDepth} levels`);
        const tooLong = await send({ ...(all[0]!.body as object), x_list: Array.from({ length: maxArrayLength + 1 }, () => 0) });
        expect(tooLong.status).to.equal(413);
        expect(tooLong.json).to.deep.include({ limit: 'webhook.array_limit', field: 'x_list' });
        // At the limits the schema decides: an empty object is refused 400 for a field it lacks, not 413.
        const atLimits = await send(nestedIn(maxDepth - 1, 'object', Array.from({ length: maxArrayLength }, () => 0)));
        expect(atLimits.status, describeAnswer(atLimits)).to.be.oneOf([200, 400]);
        const large = Buffer.alloc(source.bodyLimitBytes + 1, 0x20);
        const tooLarge = await probe(source, signedHeaders(all[0]!, large, 'application/json'), large, kind);
        expect(tooLarge.status).to.equal(413);
        expect(String(tooLarge.json!.error)).to.include(`larger than ${source.bodyLimitBytes} bytes`);
      });
    });
  }

  it('answers an unknown or strange source id (bad percent-encoding too) 404 or 400 in JSON, and stores nothing', async () => {
    const before = await keysOf(redis, bridge.prefix);
    // Any code point percent-encoded as UTF-8 (lone surrogates as the bytes CESU would give), and broken escapes.
    const encoded = nastyString.map((text) => [...text].map((char) => (/^[A-Za-z0-9_-]$/.test(char) ? char : [...Buffer.from(char)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''))).join(''));
    const segment = fc.array(fc.oneof(encoded, fc.constantFrom('%ff', '%E0%A4%A', '%', '%zz', '%00', '%2F', '%ED%A0%80', 'jira-demo')), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(segment, async (id) => {
        const answer = await rawRequest(`${bridge.url}/webhooks/x${id}`, 'POST', [['content-type', 'application/json']], '{}');
        expect(answer.status, describeAnswer(answer)).to.be.oneOf([400, 404]);
        expect(answer.json?.error, describeAnswer(answer)).to.be.a('string').and.not.equal('');
        expect(answer.text, 'no stack trace').not.to.match(/\bat \S+ \(|node_modules/);
      }),
      { numRuns: 100 },
    );
    expect(await keysOf(redis, bridge.prefix)).to.deep.equal(before);
  });
});
