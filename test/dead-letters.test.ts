/**
 * The dead-letter list on a real Redis, replayed through the real OutboundHttp against hosts
 * intercepted by nock.
 */
import { expect } from 'chai';
import nock from 'nock';
import {
  DEFAULT_MAX_DEAD_LETTERS,
  DeadLetterBusy,
  DeadLetterNotFound,
  DeadLetterStore,
  type DeadLetterStoreOptions,
} from '../src/app/store/dead-letters.js';
import {
  DeliveryFailure,
  OutboundHttp,
  redactRequest,
  type DeliveryFailureDetails,
  type OutboundHttpOptions,
} from '../src/app/outbound/outbound-http.js';
import type { OutboundRequest } from '../connectors/outbound-request.js';
import { redactUrl } from '../src/app/outbound/redact.js';
import { createRedis, waitUntilReady, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';

const TRACKER = 'https://tracker.example.test';
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

const writeBack: OutboundRequest = {
  url: `${TRACKER}/rest/api/2/issue/MB-42?token=QuErYsEcReT&notifyUsers=false`,
  method: 'PUT',
  headers: { Authorization: 'Basic SGVhZGVyU2VjcmV0', 'Content-Type': 'application/json', 'X-Api-Key': 'KeYsEcReT' },
  body: { fields: { duedate: '2026-11-30', summary: 'Mail server down — P1' } },
  description: 'jira: deadline MB-42',
};

const slackWarning: OutboundRequest = {
  url: 'https://hooks.slack.com/services/T0001/B0002/XyZsEcReTpAtH',
  method: 'POST',
  body: 'MB-42 breaches in 30 minutes\n',
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  description: 'slack team channel: warning MB-42',
};

function failure(request: OutboundRequest, overrides: Partial<DeliveryFailureDetails> = {}): DeliveryFailure {
  return new DeliveryFailure({ permanent: false, status: 503, attempts: 3, reason: 'HTTP 503: busy', request: redactRequest(request), ...overrides });
}

/** A clock that moves one second per reading, so letters have distinct creation times. */
function ticking(start = T0): () => number {
  let now = start - 1_000;
  return () => (now += 1_000);
}

function quickHttp(options: OutboundHttpOptions = {}): OutboundHttp {
  return new OutboundHttp({ sleep: async () => undefined, ...options });
}

describe('dead letters', function () {
  this.timeout(20_000);
  let redis: RedisClient;

  before(async () => {
    const target = urlTarget((await sharedRedis()).url);
    redis = createRedis(target, 'worker');
    await waitUntilReady(redis, target);
  });
  after(() => {
    redis.disconnect();
  });

  const store = (options: DeadLetterStoreOptions = {}) => {
    const prefix = uniquePrefix('dead-letters');
    return { prefix, letters: new DeadLetterStore(redis, prefix, { now: ticking(), ...options }) };
  };

  it('adds, lists, gets and removes a letter', async () => {
    const { letters } = store();
    const id = await letters.add(failure(writeBack, { permanent: true, status: 400, attempts: 1, reason: 'HTTP 400: bad field' }), writeBack);
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const view = await letters.get(id);
    expect(view).to.deep.include({
      id,
      createdAt: T0,
      lastFailedAt: T0,
      description: 'jira: deadline MB-42',
      method: 'PUT',
      reason: 'HTTP 400: bad field',
      status: 400,
      permanent: true,
      attempts: 1,
      replays: 0,
    });
    expect(view?.body).to.deep.equal(writeBack.body);
    expect(await letters.list()).to.deep.equal({ total: 1, letters: [view] });
    expect(await letters.remove(id)).to.equal(true);
    expect(await letters.get(id)).to.equal(undefined);
    expect(await letters.list()).to.deep.equal({ total: 0, letters: [] });
    expect(await letters.remove(id)).to.equal(false);
  });

  it('keeps the full request in Redis but shows it redacted', async () => {
    const { letters, prefix } = store();
    const jiraId = await letters.add(failure(writeBack), writeBack);
    const slackId = await letters.add(failure(slackWarning, { code: 'ECONNRESET', status: undefined, reason: 'ECONNRESET: socket hang up' }), slackWarning);
    const page = await letters.list();
    const [slack, jira] = page.letters;
    expect(jira).to.deep.include({ id: jiraId, url: `${TRACKER}/rest/api/2/issue/MB-42?token=[redacted]&notifyUsers=false` });
    expect(jira?.headers).to.deep.equal({ Authorization: '[redacted]', 'Content-Type': 'application/json', 'X-Api-Key': '[redacted]' });
    expect(slack).to.deep.include({ id: slackId, url: 'https://hooks.slack.com/[redacted]', code: 'ECONNRESET', status: undefined, body: slackWarning.body });
    const shown = JSON.stringify([page, await letters.get(jiraId), await letters.get(slackId)]);
    for (const secret of ['QuErYsEcReT', 'SGVhZGVyU2VjcmV0', 'KeYsEcReT', 'XyZsEcReTpAtH', 'T0001']) expect(shown).not.to.include(secret);
    // Replay needs the secrets, so the store itself has them.
    const stored = await redis.hgetall(`${prefix}:dead-letter:${jiraId}`);
    expect(stored.url).to.equal(writeBack.url);
    expect(JSON.parse(stored.headers ?? '{}')).to.deep.equal(writeBack.headers);
  });

  it('redacts chat webhook URLs of every kind and credentials in the URL', () => {
    const cases: Record<string, string> = {
      'https://hooks.slack.com/triggers/T0/123/abcdefSECRET': 'https://hooks.slack.com/[redacted]',
      'https://acme.webhook.office.com/webhookb2/0000-guid@1111-guid/IncomingWebhook/abcdefSECRET/2222': 'https://acme.webhook.office.com/[redacted]',
      'https://prod-12.westeurope.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SiGsEcReT':
        'https://prod-12.westeurope.logic.azure.com/workflows/[redacted]?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=[redacted]',
      'https://discord.com/api/webhooks/123456/DiScOrDsEcReT': 'https://discord.com/api/webhooks/[redacted]',
      'https://chat.example.test/hooks/MaTtErMoStSeCrEt': 'https://chat.example.test/hooks/[redacted]',
      'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=GoOgLeKeY&token=GoOgLeToKeN': 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=[redacted]&token=[redacted]',
      'https://bot:PaSsWoRd@tracker.example.test/api/v1/repos/acme/app/issues/7#frag': 'https://tracker.example.test/api/v1/repos/acme/app/issues/7',
      'https://tracker.example.test/api/issues/7?access_token=AcCeSs&private-token=PrIvAtE&state=open': 'https://tracker.example.test/api/issues/7?access_token=[redacted]&private-token=[redacted]&state=open',
      'not a url': '[redacted]',
    };
    for (const [url, shown] of Object.entries(cases)) expect(redactUrl(url), url).to.equal(shown);
  });

  it('lists newest first and pages with limit and offset', async () => {
    const { letters } = store();
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) ids.push(await letters.add(failure(slackWarning), { ...slackWarning, description: `warning ${n}` }));
    const newestFirst = [...ids].reverse();
    const first = await letters.list({ limit: 2 });
    const second = await letters.list({ limit: 2, offset: 2 });
    const last = await letters.list({ limit: 2, offset: 4 });
    expect(first.total).to.equal(5);
    expect([...first.letters, ...second.letters, ...last.letters].map((letter) => letter.id)).to.deep.equal(newestFirst);
    expect(first.letters.map((letter) => letter.createdAt)).to.deep.equal([T0 + 4_000, T0 + 3_000]);
    expect((await letters.list({ limit: 0 })).letters).to.deep.equal([]);
    expect((await letters.list({ offset: 5 })).letters).to.deep.equal([]);
  });

  it('drops the oldest letters beyond the bound, hash and index entry both', async () => {
    const { letters, prefix } = store({ maxLetters: 3 });
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) ids.push(await letters.add(failure(slackWarning), slackWarning));
    const page = await letters.list();
    expect(page.total).to.equal(3);
    expect(page.letters.map((letter) => letter.id)).to.deep.equal(ids.slice(2).reverse());
    expect(await letters.get(ids[0]!)).to.equal(undefined);
    expect(await redis.exists(`${prefix}:dead-letter:${ids[0]}`, `${prefix}:dead-letter:${ids[1]}`)).to.equal(0);
  });

  it(`is bounded at ${DEFAULT_MAX_DEAD_LETTERS} letters by default`, async () => {
    const { letters, prefix } = store();
    const adds = Array.from({ length: DEFAULT_MAX_DEAD_LETTERS + 5 }, () => letters.add(failure(slackWarning), slackWarning));
    const ids = await Promise.all(adds);
    expect((await letters.list({ limit: 1 })).total).to.equal(DEFAULT_MAX_DEAD_LETTERS);
    // The five oldest (the first five created, by the ticking clock) are gone.
    expect(await redis.exists(...ids.slice(0, 5).map((id) => `${prefix}:dead-letter:${id}`))).to.equal(0);
    expect(await redis.exists(`${prefix}:dead-letter:${ids[5]}`)).to.equal(1);
  });

  it('replays with the stored credentials and body, and removes the letter once delivered', async () => {
    const { letters } = store();
    const id = await letters.add(failure(writeBack), writeBack);
    let seenBody: string | undefined;
    const scope = nock(TRACKER, { reqheaders: { authorization: 'Basic SGVhZGVyU2VjcmV0', 'x-api-key': 'KeYsEcReT', 'content-type': 'application/json' } })
      .put('/rest/api/2/issue/MB-42')
      .query({ token: 'QuErYsEcReT', notifyUsers: 'false' })
      .reply(204);
    scope.on('request', (_req: unknown, _interceptor: unknown, body: string) => (seenBody = body));
    const result = await letters.replay(id, quickHttp());
    expect(result).to.deep.include({ status: 204, attempts: 1 });
    expect(scope.isDone()).to.equal(true);
    expect(seenBody).to.equal(JSON.stringify(writeBack.body));
    expect(await letters.get(id)).to.equal(undefined);
    expect((await letters.list()).total).to.equal(0);
  });

  it('keeps a letter whose replay fails, adding the attempts and the new reason', async () => {
    const { letters } = store();
    const id = await letters.add(failure(slackWarning), slackWarning);
    nock('https://hooks.slack.com').post('/services/T0001/B0002/XyZsEcReTpAtH').times(2).reply(500, 'internal_error');
    const error = await letters.replay(id, quickHttp({ retry: { maxAttempts: 2 } })).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(DeliveryFailure);
    expect(error).to.deep.include({ permanent: false, status: 500, attempts: 2 });
    expect(await letters.get(id)).to.deep.include({ attempts: 5, replays: 1, status: 500, reason: 'HTTP 500: internal_error', permanent: false, lastFailedAt: T0 + 1_000 });

    nock('https://hooks.slack.com').post('/services/T0001/B0002/XyZsEcReTpAtH').reply(410, 'channel_is_archived');
    await letters.replay(id, quickHttp()).catch(() => undefined);
    expect(await letters.get(id)).to.deep.include({ attempts: 6, replays: 2, status: 410, reason: 'HTTP 410: channel_is_archived', permanent: true, createdAt: T0 });
    expect((await letters.list()).total).to.equal(1);
  });

  it('refuses to replay an unknown letter', async () => {
    const { letters } = store();
    const error = await letters.replay('00000000-0000-0000-0000-000000000000', quickHttp()).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(DeadLetterNotFound);
  });

  it('refuses a second replay of a letter while the first runs, so the request goes out once', async () => {
    const { letters } = store();
    const id = await letters.add(failure(slackWarning), slackWarning);
    const scope = nock('https://hooks.slack.com').post('/services/T0001/B0002/XyZsEcReTpAtH').reply(503).post('/services/T0001/B0002/XyZsEcReTpAtH').reply(200, 'ok');
    // The first replay parks in its backoff sleep until released, which holds it mid-replay.
    let release!: () => void;
    let parked!: () => void;
    const isParked = new Promise<void>((resolve) => (parked = resolve));
    const http = quickHttp({
      sleep: () => {
        parked();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = letters.replay(id, http);
    await isParked;
    const second = await letters.replay(id, quickHttp()).catch((caught: unknown) => caught);
    expect(second).to.be.instanceOf(DeadLetterBusy);
    release();
    expect(await first).to.deep.include({ status: 200, data: 'ok', attempts: 2 });
    expect(scope.isDone()).to.equal(true);
    // The lock went with the replay: a further replay finds no letter rather than a busy one.
    expect(await letters.replay(id, quickHttp()).catch((caught: unknown) => caught)).to.be.instanceOf(DeadLetterNotFound);
  });

  it('takes a failure from OutboundHttp as it comes and replays the text body byte for byte', async () => {
    const { letters } = store();
    const path = '/services/T0001/B0002/XyZsEcReTpAtH';
    const bodies: string[] = [];
    const scope = nock('https://hooks.slack.com').post(path).times(2).replyWithError(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }));
    const lost = await quickHttp({ retry: { maxAttempts: 2 } })
      .send(slackWarning)
      .catch((caught: unknown) => caught);
    if (!(lost instanceof DeliveryFailure)) throw new Error(`expected a DeliveryFailure, got ${String(lost)}`);
    const id = await letters.add(lost, slackWarning);
    expect(await letters.get(id)).to.deep.include({ attempts: 2, permanent: false, code: 'ECONNREFUSED', status: undefined });
    expect(scope.isDone()).to.equal(true);

    nock('https://hooks.slack.com', { reqheaders: { 'content-type': 'text/plain; charset=utf-8' } })
      .post(path)
      .reply(200, 'ok')
      .on('request', (_req: unknown, _interceptor: unknown, body: string) => bodies.push(body));
    expect(await letters.replay(id, quickHttp())).to.deep.include({ status: 200, attempts: 1 });
    expect(bodies).to.deep.equal([slackWarning.body]);
  });
});
