/**
 * No URL a tracker sends is ever fetched. Webhooks whose `self`, `url`, `html_url`, `view_url` and
 * `web_url` point at another host go through the real app, the workers and write-back into every
 * tracker; a reconciliation reads a tracker whose REST answers point elsewhere too, its `Link`
 * header included; a tracker that answers 302 to another host for a write-back or a read is
 * refused with the reason. Outgoing HTTP goes through nock with every other connection disabled:
 * the other host has interceptors that record any request, and anything nock cannot match is
 * recorded too. Every check that nothing went there comes after proof that the requests it would
 * have been among were made.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DateTime } from 'luxon';
import nock from 'nock';
import { connectorOf } from '../connectors/connector.js';
import { trackerConnectors } from '../connectors/registry.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { CommandFailure, type CliIo } from '../src/cli/cli-io.js';
import { reconcileCommand } from '../src/cli/reconcile-command.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor } from './support/wait-for.js';

const TRACKER = 'https://tracker.ssrf.test';
const ELSEWHERE = 'https://elsewhere.ssrf.test';
const API_TOKEN = 'no-foreign-requests-token';
const URL_FIELDS = ['self', 'url', 'html_url', 'view_url', 'web_url', 'repository_url', 'comments_url', 'avatar_url'];

/** `value` with every URL moved to ELSEWHERE (path kept), and every object given the URL fields trackers send, pointing there. */
function pointingElsewhere(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^https?:\/\/[^/]+/, ELSEWHERE);
  if (Array.isArray(value)) return value.map(pointingElsewhere);
  if (value === null || typeof value !== 'object') return value;
  const moved = Object.fromEntries(Object.entries(value).map(([key, child]) => [key, pointingElsewhere(child)]));
  for (const field of URL_FIELDS) moved[field] ??= `${ELSEWHERE}/${field}/${randomUUID()}`;
  return moved;
}

interface Seen {
  readonly method: string;
  readonly url: string;
}

describe('no URL from a tracker is ever fetched', function () {
  this.timeout(40_000);
  interceptHttp();
  /** Every request that reached the other host, or no interceptor at all. */
  const foreign: Seen[] = [];
  const tracker: Seen[] = [];
  const noMatch = (request: { method?: string; href?: string; host?: string; hostname?: string; path?: string }) => {
    // The bridge itself, on loopback, is let through: everything else counts.
    if (/^(127\.|localhost|\[?::1)/.test(String(request.hostname ?? request.host ?? new URL(String(request.href)).hostname))) return;
    foreign.push({ method: String(request.method), url: String(request.href ?? `${request.host}${request.path}`) });
  };

  before(() => {
    nock.emitter.on('no match', noMatch);
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      nock(ELSEWHERE)
        .persist()
        [method](/.*/)
        .reply(function () {
          foreign.push({ method: this.req.method, url: `${ELSEWHERE}${this.req.path}` });
          return [200, {}];
        });
    }
  });
  after(() => {
    nock.emitter.removeListener('no match', noMatch);
  });

  describe('webhooks and write-back', () => {
    let bridge: TestBridge;
    const config = loadBridgeConfig(path.join(projectRoot(), 'config/demo'), { SLA_BRIDGE_DEMO_TRACKER_URL: TRACKER });

    before(async () => {
      // Every tracker answers every write 200 with an empty list or object, except Jira, which redirects elsewhere.
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        nock(TRACKER)
          .persist()
          [method](/.*/)
          .reply(function () {
            tracker.push({ method: this.req.method, url: `${TRACKER}${this.req.path}` });
            if (this.req.path.startsWith('/jira/')) return [302, '', { Location: `${ELSEWHERE}${this.req.path}?token=stolen` }];
            return [200, this.req.method === 'GET' ? [] : {}];
          });
      }
      bridge = await startTestBridge({ config, apiToken: API_TOKEN, http: new OutboundHttp({ retry: { maxAttempts: 1 } }) });
    });
    after(async () => {
      await bridge?.close();
    });

    it('accepts each tracker’s webhook, writes back only to its base_url, and refuses a redirect elsewhere with the reason', async () => {
      const expected: string[] = [];
      for (const source of config.sources.values()) {
        const connector = connectorOf(trackerConnectors, source.kind);
        const demo = connector.demo!;
        const { payload, headers } = demo.webhook(DateTime.now());
        const raw = Buffer.from(JSON.stringify(pointingElsewhere(payload)));
        const answer = await postRaw(`${bridge.url}/webhooks/${source.id}`, raw, { 'content-type': 'application/json', ...headers, ...connector.sign(source.secrets[0]!, raw, source) });
        expect(answer.status, `${source.id}: ${JSON.stringify(answer.body)}`).to.equal(202);
        expected.push(`${source.baseUrl}${demo.writeBackPath}`);
      }
      // Each tracker's write-back arrived at its own API (for Jira: the request that was redirected;
      // GitHub, which has no date fields, writes its label at the 50% warning, 5 s in).
      await waitFor('a write-back request at every tracker', () => expected.every((url) => tracker.some((seen) => seen.url.startsWith(url))));
      const response = await waitFor('the refused Jira write-back on the dead-letter list', async () => {
        const list = (await (await fetch(`${bridge.url}/api/dead-letters`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json()) as { letters: { url: string; reason: string }[] };
        return list.letters.find((letter) => letter.url.startsWith(`${TRACKER}/jira/`));
      });
      expect(response.reason).to.equal(`HTTP 302: redirect to another host, ${ELSEWHERE} not followed (the bridge follows no redirects: point the config at the address itself)`);
      expect(JSON.stringify(response)).not.to.include('stolen');
      expect(tracker.every((seen) => seen.url.startsWith(TRACKER)), JSON.stringify(tracker)).to.equal(true);
      expect(foreign, 'requests to another host').to.deep.equal([]);
    });
  });

  describe('reconciliation', () => {
    const FIXTURES = path.join(projectRoot(), 'test/fixtures/github');
    const json = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
    const CONFIG_DIR = writeConfig({
      'calendars/nl-office.yaml': readFileSync(path.join(projectRoot(), 'config/calendars/nl-office.yaml'), 'utf8'),
      'contracts/open2bizz.yaml': `
customer: Open2Bizz
calendar: nl-office
covers:
  - { source: github-demo, project: open2bizz/odoo-customer }
policies:
  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }
`,
      'sources/github-demo.yaml': `
kind: github
base_url: https://github.com
webhook: { secrets: [github-secret] }
api: { token: github-token, user: sla-bridge }
priority: { field: labels, map: { priority/1: P1 }, default: P4 }
reconcile: { repositories: [open2bizz/odoo-customer] }
`,
    });
    const LIST = '/repos/open2bizz/odoo-customer/issues';

    async function reconcile(): Promise<{ code: number; errors: string[] }> {
      const errors: string[] = [];
      const io: CliIo = { out: () => undefined, err: (text) => errors.push(text) };
      const env = { REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: uniquePrefix('no-foreign') };
      try {
        const code = await reconcileCommand({ source: 'github-demo', since: '30d', config: CONFIG_DIR }, io, env, undefined, new PassThrough() as unknown as NodeJS.WriteStream);
        return { code, errors };
      } catch (error) {
        // What the CLI prints as its one line, exit code 1 (src/cli/program.ts), when the listing itself fails.
        expect(error).to.be.instanceOf(CommandFailure);
        return { code: 1, errors: [...errors, (error as Error).message] };
      }
    }

    afterEach(() => {
      nock.cleanAll();
      // cleanAll drops the other host's recorders too; put them back for the next case.
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        nock(ELSEWHERE)
          .persist()
          [method](/.*/)
          .reply(function () {
            foreign.push({ method: this.req.method, url: `${ELSEWHERE}${this.req.path}` });
            return [200, {}];
          });
      }
    });

    it('reads issues and timelines whose every URL points elsewhere from the API only', async () => {
      const api = nock('https://api.github.com');
      api.get(LIST).query(true).reply(200, [pointingElsewhere(json('rest/issue-42'))]);
      api.get('/repos/open2bizz/odoo-customer/issues/42/timeline').query(true).reply(200, pointingElsewhere(json('rest/timeline-42')) as object);
      const { code, errors } = await reconcile();
      expect(code, errors.join('\n')).to.equal(0);
      expect(api.isDone(), 'both reads were made').to.equal(true);
      expect(foreign).to.deep.equal([]);
    });

    it('does not follow a Link header to the next page on another host', async () => {
      const api = nock('https://api.github.com');
      api.get(LIST).query(true).reply(200, [json('rest/issue-42')], { Link: `<${ELSEWHERE}${LIST}?page=2>; rel="next"` });
      const { code, errors } = await reconcile();
      expect(code).to.equal(1);
      expect(errors.join('\n')).to.include(`the next page is on another host (${ELSEWHERE}); not followed`);
      expect(api.isDone()).to.equal(true);
      expect(foreign).to.deep.equal([]);
    });

    it('refuses a read the API redirects to another host, with the reason', async () => {
      const api = nock('https://api.github.com');
      api.get(LIST).query(true).reply(302, '', { Location: `${ELSEWHERE}${LIST}` });
      const { code, errors } = await reconcile();
      expect(code).to.equal(1);
      expect(errors.join('\n')).to.include(`HTTP 302: redirect to another host, ${ELSEWHERE} not followed`);
      expect(api.isDone()).to.equal(true);
      expect(foreign).to.deep.equal([]);
    });
  });
});
