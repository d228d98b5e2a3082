/**
 * Secrets never leave the bridge: realistic traffic through a real bridge on a real Redis (reached
 * with a password), while every log line (the winston logger's stream, and anything written to
 * stdout or stderr) and every HTTP answer (body and headers) is kept, then searched for every
 * configured secret: webhook secrets, tracker API tokens, the secret parts of chat webhook URLs, a
 * chat webhook's signing secret and API-key header, SLA_BRIDGE_API_TOKEN and the Redis password.
 *
 * The traffic: webhooks with wrong signatures and tokens, accepted webhooks whose write-backs every
 * tracker refuses (some echoing the credentials they were sent), warnings whose chat deliveries fail
 * for good (one chat server echoing its URL) and become dead letters, API calls with wrong tokens
 * and with the right one (issues, dead letters, reports, the queue board's job data, metrics), and
 * config files with mistakes next to the secrets.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DateTime } from 'luxon';
import nock from 'nock';
import { connectorOf } from '../connectors/connector.js';
import { trackerConnectors } from '../connectors/registry.js';
import { createLogger } from '../src/app/logger.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { createRedis } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { ConfigError } from '../src/config/config-error.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { rawRequest } from './support/raw-http.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor } from './support/wait-for.js';

/** Distinct, long enough that finding one by accident is impossible. */
const secret = (name: string) => `${name}-${randomBytes(12).toString('hex')}`;
const KINDS = ['jira', 'gitea', 'gitlab', 'mantis', 'github'] as const;
const WEBHOOK_SECRETS = Object.fromEntries(KINDS.map((kind) => [kind, secret(`${kind}-webhook`)])) as Record<(typeof KINDS)[number], string>;
const NEXT_SECRETS = Object.fromEntries(KINDS.map((kind) => [kind, secret(`${kind}-webhook-next`)])) as Record<(typeof KINDS)[number], string>;
const API_TOKENS = Object.fromEntries(KINDS.map((kind) => [kind, secret(`${kind}-api-token`)])) as Record<(typeof KINDS)[number], string>;
const SLACK_SECRET = secret('slackpath');
const TEAMS_SIG = secret('teamssig');
const HOOK_PATH_SECRET = secret('hookpath');
const HOOK_SIGNING_SECRET = secret('hook-signing');
const HOOK_API_KEY = secret('hook-api-key');
const BRIDGE_API_TOKEN = secret('bridge-api-token');
const BRIDGE_READ_TOKEN = secret('bridge-read-token');
const ICAL_SECRET = secret('ical-secret-long-enough');
const REDIS_PASSWORD = secret('redis-password');
const REDIS_USER = `leak-test-${randomBytes(4).toString('hex')}`;

/** Jira's Basic credentials as they travel (the demo source's api.user with the token). */
const JIRA_BASIC = Buffer.from(`sla-bot@demo.example:${API_TOKENS.jira}`).toString('base64');

const EVERY_SECRET = [JIRA_BASIC, ...Object.values(WEBHOOK_SECRETS), ...Object.values(NEXT_SECRETS), ...Object.values(API_TOKENS), SLACK_SECRET, TEAMS_SIG, HOOK_PATH_SECRET, HOOK_SIGNING_SECRET, HOOK_API_KEY, BRIDGE_API_TOKEN, BRIDGE_READ_TOKEN, ICAL_SECRET, REDIS_PASSWORD];

const TRACKER = 'https://tracker.leak.test';
const SLACK_URL = `https://hooks.slack.com/services/T0LEAK/B0LEAK/${SLACK_SECRET}`;
const TEAMS_URL = `https://prod-07.westeurope.logic.azure.com:443/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${TEAMS_SIG}`;
const HOOK_URL = `https://ops.leak.test/hooks/${HOOK_PATH_SECRET}`;

/** The demo sources (config/demo/sources), with this test's secrets and tokens. */
function sourceFile(kind: (typeof KINDS)[number]): string {
  return readFileSync(path.join(projectRoot(), `config/demo/sources/${kind}-demo.yaml`), 'utf8')
    .replace('${SLA_BRIDGE_DEMO_TRACKER_URL}', TRACKER)
    .replace(`secrets: [demo-${kind}-secret]`, `secrets: ["\${${kind.toUpperCase()}_SECRET}", "${NEXT_SECRETS[kind]}"]`)
    .replace('token: demo-token', `token: "\${${kind.toUpperCase()}_TOKEN}"`);
}

const FILES: Record<string, string> = {
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/demo.yaml': `
customer: Leak Test Customer
calendar: round-the-clock
covers:
  - { source: jira-demo, project: DEMO }
  - { source: gitea-demo, project: demo/shop }
  - { source: github-demo, project: demo/app }
  - { source: mantis-demo, project: demo }
  - { source: gitlab-demo, project: demo/helpdesk }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
policies:
  reaction: { P1: 2s, P2: 2s, P3: 2s, P4: 2s }
warnings: ["50%"]
notify: { warnings: [managers, team], breaches: [ops] }
`,
  'channels/managers.yaml': 'kind: slack\nsettings:\n  url: ${SLACK_URL}\n',
  'channels/team.yaml': 'kind: teams\nsettings:\n  url: ${TEAMS_URL}\n',
  'channels/ops.yaml': `kind: webhook\nsettings:\n  url: \${HOOK_URL}\n  secret: \${HOOK_SECRET}\n  headers: { X-Api-Key: "\${HOOK_API_KEY}" }\n`,
  ...Object.fromEntries(KINDS.map((kind) => [`sources/${kind}-demo.yaml`, sourceFile(kind)])),
};

const ENV: Record<string, string> = {
  ...Object.fromEntries(KINDS.flatMap((kind) => [[`${kind.toUpperCase()}_SECRET`, WEBHOOK_SECRETS[kind]], [`${kind.toUpperCase()}_TOKEN`, API_TOKENS[kind]]])),
  SLACK_URL,
  TEAMS_URL,
  HOOK_URL,
  HOOK_SECRET: HOOK_SIGNING_SECRET,
  HOOK_API_KEY,
};

/** Which secrets `text` holds. */
const leaked = (text: string) => EVERY_SECRET.filter((value) => text.includes(value));

describe('secrets in logs, answers, dead letters, exports and the dashboard', function () {
  this.timeout(40_000);
  interceptHttp();
  /** Every line logged, written to stdout/stderr, or answered, with where it came from. */
  const seen: { where: string; text: string }[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => seen.push({ where: 'log', text: chunk.toString('utf8') }));
  const dir = writeConfig(FILES);
  let bridge: TestBridge;
  let restoreOutput: () => void;

  /** Every request the trackers got, with its credentials, to be sure the traffic happened. */
  const trackerRequests: string[] = [];
  const chatRequests: string[] = [];

  before(async () => {
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const capture = (where: string, write: typeof stdout) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        seen.push({ where, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stdout;
    process.stdout.write = capture('stdout', stdout);
    process.stderr.write = capture('stderr', stderr);
    restoreOutput = () => {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    };

    // Trackers refuse every write-back; Jira and MantisBT echo the credentials they were sent.
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      nock(TRACKER)
        .persist()
        [method](/.*/)
        .reply(function () {
          const authorization = String(this.req.headers.authorization ?? '');
          trackerRequests.push(`${this.req.method} ${this.req.path}`);
          if (this.req.path.startsWith('/jira/')) return [401, { errorMessages: [`credentials ${authorization} are not valid`] }];
          if (this.req.path.startsWith('/mantis/')) return [403, `<html>Access denied for API token ${authorization}</html>`];
          if (this.req.method === 'GET') return [200, []];
          return [403, { message: 'token does not have at least one of required scope(s): [write:issue]' }];
        });
    }
    nock('https://hooks.slack.com')
      .persist()
      .post(/.*/)
      .reply(function () {
        chatRequests.push('slack');
        return [404, 'no_service'];
      });
    nock('https://prod-07.westeurope.logic.azure.com:443')
      .persist()
      .post(/.*/)
      .reply(function () {
        chatRequests.push('teams');
        // A chat server that quotes the whole URL it was called with.
        return [401, { error: { code: 'DirectApiAuthorizationRequired', message: `The request to https://prod-07.westeurope.logic.azure.com${this.req.path} is not authorized.` } }];
      });
    nock('https://ops.leak.test')
      .persist()
      .post(/.*/)
      .reply(function () {
        chatRequests.push('ops');
        return [400, `rejected key ${String(this.req.headers['x-api-key'])} for ${this.req.path}`];
      });

    const shared = await sharedRedis();
    const admin = createRedis(urlTarget(shared.url), 'worker');
    await admin.call('ACL', 'SETUSER', REDIS_USER, 'on', `>${REDIS_PASSWORD}`, '~*', '&*', '+@all');
    admin.disconnect();
    const port = new URL(shared.url).port;
    const logger = createLogger({ level: 'debug', format: 'json', stream: logStream });
    bridge = await startTestBridge({
      config: loadBridgeConfig(dir, ENV),
      redis: urlTarget(`redis://${REDIS_USER}:${REDIS_PASSWORD}@127.0.0.1:${port}`),
      apiToken: BRIDGE_API_TOKEN,
      apiReadToken: BRIDGE_READ_TOKEN,
      icalSecret: ICAL_SECRET,
      logger,
      http: new OutboundHttp({ retry: { maxAttempts: 1 }, logger }),
    });
  });
  after(async () => {
    restoreOutput?.();
    await bridge?.close();
    const admin = createRedis(urlTarget((await sharedRedis()).url), 'worker');
    await admin.call('ACL', 'DELUSER', REDIS_USER);
    admin.disconnect();
  });

  async function call(method: string, url: string, headers: [string, string][] = [], body?: string): Promise<{ status: number }> {
    const answer = await rawRequest(`${bridge.url}${url}`, method, headers, body);
    seen.push({ where: `${method} ${url} ${answer.status}`, text: `${JSON.stringify(answer.headers)}\n${answer.text}` });
    return answer;
  }
  const bearer: [string, string] = ['authorization', `Bearer ${BRIDGE_API_TOKEN}`];

  it('keeps every secret out of everything it logs and answers', async () => {
    const config = loadBridgeConfig(dir, ENV);
    for (const source of config.sources.values()) {
      const connector = connectorOf(trackerConnectors, source.kind);
      const { payload, headers } = connector.demo!.webhook(DateTime.now());
      const raw = Buffer.from(JSON.stringify(payload));
      const base: [string, string][] = [['content-type', 'application/json'], ...Object.entries(headers)];
      // Signed with a wrong secret, with garbage, with the secret itself in place of a signature.
      expect((await call('POST', `/webhooks/${source.id}`, [...base, ...Object.entries(connector.sign('not-the-secret', raw, source))], raw.toString())).status, source.id).to.equal(401);
      // A signature over another body (GitLab's token signs no body, so it is taken).
      const otherBody = connector.sign(WEBHOOK_SECRETS[source.kind as (typeof KINDS)[number]], Buffer.from('other body'), source);
      expect((await call('POST', `/webhooks/${source.id}`, [...base, ...Object.entries(otherBody)], raw.toString())).status, source.id).to.be.oneOf(source.kind === 'gitlab' ? [202] : [401]);
      const plain = Object.keys(connector.sign('x', raw, source)).map((name): [string, string] => [name, WEBHOOK_SECRETS[source.kind as (typeof KINDS)[number]]]);
      expect((await call('POST', `/webhooks/${source.id}`, [...base, ...plain], raw.toString())).status, `${source.id} with the bare secret`).to.be.oneOf([401, 200, 202]);
      // Then the real thing, signed with the second secret of the rotation.
      expect((await call('POST', `/webhooks/${source.id}`, [...base, ...Object.entries(connector.sign(NEXT_SECRETS[source.kind as (typeof KINDS)[number]], raw, source))], raw.toString())).status, source.id).to.be.oneOf([200, 202]);
    }

    // Wrong tokens, a login with the right one, and everything the API and dashboard show.
    expect((await call('GET', '/api/issues', [['authorization', 'Bearer wrong-token']])).status).to.equal(401);
    expect((await call('POST', '/api/session', [['content-type', 'application/json']], JSON.stringify({ token: `${BRIDGE_API_TOKEN}x` }))).status).to.equal(401);
    expect((await call('POST', '/api/session', [['content-type', 'application/x-www-form-urlencoded']], `token=${BRIDGE_API_TOKEN}`)).status).to.equal(204);
    expect((await call('POST', '/api/session', [['content-type', 'application/json']], `{"token":"${BRIDGE_API_TOKEN}`)).status).to.equal(400);

    // Write-backs refused by all five trackers, and chat messages failed at all three channels.
    await waitFor('write-backs at the trackers and messages at every channel', () => trackerRequests.length >= 5 && ['slack', 'teams', 'ops'].every((name) => chatRequests.includes(name)), { timeoutMs: 15_000 });
    const letters = await waitFor(
      'dead letters of the refused write-backs and chat messages',
      async () => {
        const list = (await (await fetch(`${bridge.url}/api/dead-letters?limit=100`, { headers: { authorization: `Bearer ${BRIDGE_API_TOKEN}` } })).json()) as { letters: { url: string }[] };
        const hosts = new Set(list.letters.map((letter) => new URL(letter.url).host));
        return ['tracker.leak.test', 'hooks.slack.com', 'prod-07.westeurope.logic.azure.com', 'ops.leak.test'].every((host) => hosts.has(host)) && list.letters.length >= 7 ? list : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(letters.letters.length).to.be.at.least(7);

    for (const url of ['/api/dead-letters?limit=100', '/api/issues', '/api/contracts', '/api/reports/demo/' + DateTime.now().toFormat('yyyy-MM'), '/api/reports/demo/' + DateTime.now().toFormat('yyyy-MM') + '?format=csv', '/api/reports/demo/' + DateTime.now().toFormat('yyyy-MM') + '?format=html', '/api/queues/', '/dashboard', '/metrics', '/healthz', '/readyz']) {
      expect((await call('GET', url, [bearer])).status, url).to.equal(200);
    }
    for (const source of config.sources.values()) {
      const issue = connectorOf(trackerConnectors, source.kind).demo!.issueKey;
      expect((await call('GET', `/api/issues/${source.id}/${encodeURIComponent(issue)}`, [bearer])).status, `${source.id} ${issue}`).to.equal(200);
      expect((await call('GET', `/api/issues/${source.id}/${encodeURIComponent(issue)}/explain`, [bearer])).status, `${source.id} ${issue} explained`).to.equal(200);
    }
    // The read-only token, right and wrong, and refused for a change; the calendar feeds, listed and read, and a guessed one.
    const reader: [string, string] = ['authorization', `Bearer ${BRIDGE_READ_TOKEN}`];
    expect((await call('GET', '/api/issues', [reader])).status).to.equal(200);
    expect((await call('GET', '/api/issues', [['authorization', `Bearer ${BRIDGE_READ_TOKEN}x`]])).status).to.equal(401);
    expect((await call('POST', `/api/dead-letters/${encodeURIComponent('none')}/replay`, [reader])).status).to.equal(403);
    const feeds = await rawRequest(`${bridge.url}/api/ical`, 'GET', [bearer]);
    seen.push({ where: 'GET /api/ical', text: `${JSON.stringify(feeds.headers)}\n${feeds.text}` });
    expect(feeds.status).to.equal(200);
    const feedUrls = [...feeds.text.matchAll(/https?:\/\/[^"]+\.ics/g)].map((match) => new URL(match[0]).pathname);
    expect(feedUrls.length, 'feed URLs listed').to.be.greaterThan(0);
    for (const feed of feedUrls.slice(0, 3)) expect((await call('GET', feed)).status, feed).to.equal(200);
    expect((await call('GET', '/ical/contract/demo/not-the-token.ics')).status).to.equal(404);
    // The queue board's job data, every queue and state.
    const board = (await (await fetch(`${bridge.url}/api/queues/api/queues?page=1&jobsPerPage=100`, { headers: { authorization: `Bearer ${BRIDGE_API_TOKEN}` } })).json()) as { queues: { name: string }[] };
    for (const queue of board.queues) {
      for (const status of ['latest', 'completed', 'failed', 'delayed', 'waiting', 'active']) {
        await call('GET', `/api/queues/api/queues?activeQueue=${encodeURIComponent(queue.name)}&status=${status}&page=1&jobsPerPage=100`, [bearer]);
      }
    }
    expect(board.queues.length).to.be.greaterThan(3);

    const found = seen.flatMap(({ where, text }) => leaked(text).map((value) => `${where}: ${value === JIRA_BASIC ? 'jira basic credentials' : value.split('-').slice(0, -1).join('-')} in ${text.slice(0, 400)}`));
    expect(found, 'secrets found').to.deep.equal([]);
    // The search covered what it was meant to: the traffic was logged, and the answers are there.
    expect(seen.filter(({ where }) => where === 'log').length, 'log lines').to.be.greaterThan(20);
    expect(seen.some(({ text }) => text.includes('webhook refused'))).to.equal(true);
    expect(seen.some(({ text }) => text.includes('delivery failed'))).to.equal(true);
  });

  it('keeps the secrets out of config errors next to them', () => {
    const broken = writeConfig({
      ...FILES,
      'channels/managers.yaml': 'kind: slack\nsettings:\n  url: http://hooks.slack.com/services/T0LEAK/B0LEAK/${SLACK_SECRET_PATH}\n  extra: 1\n',
      'channels/team.yaml': 'kind: teams\nsettings:\n  url: "not a url ${TEAMS_SIG}"\n',
      'channels/ops.yaml': 'kind: webhook\nsettings:\n  url: ${HOOK_URL}\n  secret: ${HOOK_SECRET}\n  headers: { "X Api Key": "${HOOK_API_KEY}", X-Other: "${HOOK_API_KEY}\\n" }\n',
      'sources/jira-demo.yaml': FILES['sources/jira-demo.yaml']!.replace('webhook: {', 'webhook: { insecure: "${JIRA_TOKEN}", dedup_window: "${JIRA_SECRET}", body_limit: "${JIRA_SECRET}",'),
      'sources/gitlab-demo.yaml': `${FILES['sources/gitlab-demo.yaml']!}\ngitlab: { signing: { keys: ["\${GITLAB_TOKEN}"] } }\n`,
    });
    writeFileSync(path.join(broken, 'sources/gitea-demo.yaml'), FILES['sources/gitea-demo.yaml']!.replace('api: {', 'api: { tokn: "${GITEA_TOKEN}", '));
    let error: unknown;
    try {
      loadBridgeConfig(broken, { ...ENV, SLACK_SECRET_PATH: SLACK_SECRET, TEAMS_SIG });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).problems.length, message).to.be.at.least(5);
    expect(leaked(message), message).to.deep.equal([]);
  });
});
