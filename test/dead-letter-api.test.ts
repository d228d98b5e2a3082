/**
 * The dead-letter API: a chat message that failed for good is listed (secrets redacted) and can be
 * replayed, behind the bearer token. Real express app and Redis; the chat host is nock.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import nock from 'nock';
import { DeadLetterStore } from '../src/app/store/dead-letters.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { sharedRedis } from './support/redis-server.js';
import { interceptHttp } from './support/http-interception.js';

const TOKEN = 'api-test-token';
const SLACK_PATH = '/services/T0000/B0000/dead-letter-secret';

describe('dead-letter API', () => {
  let bridge: TestBridge;
  let redis: Redis;
  let letters: DeadLetterStore;
  const http = new OutboundHttp({ retry: { maxAttempts: 1 } });

  interceptHttp();

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, http });
    redis = new Redis((await sharedRedis()).url);
    letters = new DeadLetterStore(redis, bridge.prefix);
  });
  after(async () => {
    await bridge.close();
    redis.disconnect();
  });

  async function failedMessage(): Promise<string> {
    nock('https://hooks.slack.com').post(SLACK_PATH).reply(404, 'no_service');
    const request = { url: `https://hooks.slack.com${SLACK_PATH}`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{"text":"breach MB-1"}', description: 'managers (slack): breach MB-1' };
    try {
      await http.send(request);
    } catch (error) {
      return letters.add(error as Parameters<DeadLetterStore['add']>[0], request);
    }
    throw new Error('expected the send to fail');
  }

  const api = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    fetch(`${bridge.url}/api${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) } });

  it('answers 401 without the bearer token, or with a wrong one', async () => {
    for (const token of [null, 'wrong']) {
      const response = await api('/dead-letters', {}, token);
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.match(/^Bearer/);
    }
  });

  it('lists a permanent failure with its reason, without the webhook secret', async () => {
    const id = await failedMessage();
    const response = await api('/dead-letters');
    expect(response.status).to.equal(200);
    const page = (await response.json()) as { total: number; letters: { id: string; url: string; status: number; description: string }[] };
    const letter = page.letters.find((candidate) => candidate.id === id);
    expect(letter).to.deep.include({ status: 404, description: 'managers (slack): breach MB-1' });
    expect(letter!.url).to.not.include('dead-letter-secret');
  });

  it('replays a dead letter once the channel works again, and it leaves the list', async () => {
    const id = await failedMessage();
    const scope = nock('https://hooks.slack.com').post(SLACK_PATH, '{"text":"breach MB-1"}').reply(200, 'ok');
    const response = await api(`/dead-letters/${id}/replay`, { method: 'POST' });
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.include({ status: 'replayed', httpStatus: 200 });
    expect(scope.isDone()).to.equal(true);
    expect((await api(`/dead-letters/${id}/replay`, { method: 'POST' })).status).to.equal(404);
  });

  it('answers 502 when the replay fails again, and keeps the letter', async () => {
    const id = await failedMessage();
    nock('https://hooks.slack.com').post(SLACK_PATH).reply(410, 'gone');
    const response = await api(`/dead-letters/${id}/replay`, { method: 'POST' });
    expect(response.status).to.equal(502);
    expect(await letters.get(id)).to.not.equal(undefined);
  });
});
