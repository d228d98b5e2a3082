/**
 * `sla-bridge serve` takes the feeds' secret from SLA_BRIDGE_ICAL_SECRET: with it the API lists
 * the feeds and they answer; a secret too short is refused at start, naming the variable. Runs the
 * built CLI (`npm run build` first).
 */
import { expect } from 'chai';
import ICAL from 'ical.js';
import { exitOf, serve, startedUrl } from '../support/cli-process.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { DEMO_SECRETS } from '../support/shipped-config.js';

const TOKEN = 'ical-serve-api-token';

describe('sla-bridge serve with SLA_BRIDGE_ICAL_SECRET', function () {
  this.timeout(30_000);

  it('serves the feeds it lists', async () => {
    const redis = await sharedRedis();
    const child = serve({ ...DEMO_SECRETS, REDIS_URL: redis.url, PORT: '0', SLA_BRIDGE_PREFIX: uniquePrefix('ical-serve'), SLA_BRIDGE_API_TOKEN: TOKEN, SLA_BRIDGE_ICAL_SECRET: 'serve-test-secret-0123456789abcdefghij' });
    const exited = exitOf(child);
    try {
      const url = await startedUrl(child);
      const list = (await (await fetch(`${url}/api/ical`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { feeds: { kind: string; id: string; url: string }[] };
      const feed = list.feeds.find((entry) => entry.kind === 'contract' && entry.id === 'open2bizz-saas')!;
      const response = await fetch(feed.url);
      expect(response.status).to.equal(200);
      const calendar = new ICAL.Component(ICAL.parse(await response.text()));
      expect(calendar.getFirstPropertyValue('x-wr-timezone')).to.equal('Europe/Amsterdam');
      // The token with its last character changed.
      const wrong = feed.url.replace(/(.)\.ics$/, (_match, last: string) => `${last === 'A' ? 'B' : 'A'}.ics`);
      expect(wrong).not.to.equal(feed.url);
      expect((await fetch(wrong)).status).to.equal(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).code).to.equal(0);
  });

  it('refuses a secret too short to sign URLs with, naming the variable', async () => {
    const { code, output } = await exitOf(serve({ ...DEMO_SECRETS, PORT: '0', SLA_BRIDGE_ICAL_SECRET: 'too-short' }));
    expect(code).to.equal(1);
    expect(output).to.include('sla-bridge: SLA_BRIDGE_ICAL_SECRET: 9 characters, at least 32 needed');
  });
});
