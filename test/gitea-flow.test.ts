/**
 * The whole path on Gitea, with two bridges on one Redis (two workers racing on one issue): a
 * signed webhook comes in (and again at the other bridge, which calls it a duplicate), the timers fire at 50% and at the breach, and
 * Gitea gets its due date, then `sla/at-risk`, then `sla/breached` with `sla/at-risk` taken off
 * (by label id, looked up from the repository), and one breach comment. Gitea is nock at its host.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForQuiet, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { waitFor } from './support/wait-for.js';

const config = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/gitea-flow-config'), {});
const ISSUE = '/api/v1/repos/open2bizz/odoo-customer/issues/77';
const ZONE = 'Europe/Amsterdam';

interface GiteaCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

function openedDelivery(created: DateTime) {
  const fixture = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea/issue-opened.json'), 'utf8')) as { headers: Record<string, string>; body: { issue: Record<string, unknown>; number: number } };
  const body = fixture.body;
  body.number = 77;
  Object.assign(body.issue, {
    id: 7077,
    number: 77,
    title: 'Odoo is down',
    created_at: created.toISO({ suppressMilliseconds: true }),
    updated_at: created.toISO({ suppressMilliseconds: true }),
    labels: [{ id: 101, name: 'priority/1' }],
    html_url: 'https://gitea.example.com/open2bizz/odoo-customer/issues/77',
  });
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { ...fixture.headers, 'x-gitea-delivery': randomUUID(), ...trackerConnectors.gitea.sign('gitea-flow-secret', raw) } };
}

describe('Gitea end to end, two workers', function () {
  this.timeout(40_000);
  const calls: GiteaCall[] = [];
  let first: TestBridge;
  let second: TestBridge;

  interceptHttp();

  before(async () => {
    const record = (method: string) =>
      function (this: unknown, uri: string, body: unknown) {
        calls.push({ method, path: uri, body });
        return [method === 'PATCH' ? 201 : 200, method === 'GET' ? [{ id: 901, name: 'sla/at-risk' }, { id: 902, name: 'sla/breached' }] : {}] as [number, unknown];
      };
    nock('https://gitea.example.com')
      .persist()
      .matchHeader('authorization', 'token gitea-api-token')
      .patch(ISSUE)
      .reply(record('PATCH'))
      .post(`${ISSUE}/labels`)
      .reply(record('POST'))
      .delete(/\/labels\/\d+$/)
      .reply(record('DELETE'))
      .post(`${ISSUE}/comments`)
      .reply(record('COMMENT'))
      .get(/\/repos\/open2bizz\/odoo-customer\/labels/)
      .reply(record('GET'));
    first = await startTestBridge({ config });
    second = await startTestBridge({ config, prefix: first.prefix });
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it('writes the due date, then at-risk, then breached, once each', async () => {
    // Gitea states instants in whole seconds.
    const created = DateTime.now().setZone(ZONE).startOf('second');
    const delivery = openedDelivery(created);
    // The same delivery to both bridges: the second one knows it already. Both run workers.
    const accepted = await postRaw(`${first.url}/webhooks/gitea-demo`, delivery.raw, delivery.headers);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    const again = await postRaw(`${second.url}/webhooks/gitea-demo`, delivery.raw, delivery.headers);
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    expect(again.body).to.deep.include({ status: 'duplicate', deliveryId: accepted.body.deliveryId });

    const labelCalls = () => calls.filter((call) => call.method === 'POST' || call.method === 'DELETE');
    await waitFor('three label calls and a comment', () => labelCalls().length >= 3 && calls.some((call) => call.method === 'COMMENT'), { timeoutMs: 15_000 });
    // The breach is the last thing due (no escalation): once the queues are empty, nothing more is sent.
    await waitForQuiet(first);

    const patches = calls.filter((call) => call.method === 'PATCH');
    expect(patches, JSON.stringify(calls)).to.have.length(1);
    // P1 is 4 s round the clock; Gitea keeps the deadline's day, at 23:59:59 in that day's offset.
    const dueDay = created.plus({ seconds: 4 }).toISODate();
    expect(patches[0]!.body).to.deep.equal({ due_date: `${dueDay}T23:59:59${DateTime.fromISO(`${dueDay}T23:59:59`, { zone: ZONE }).toFormat('ZZ')}` });
    expect(labelCalls().map((call) => [call.method, call.path, call.body])).to.deep.equal([
      ['POST', `${ISSUE}/labels`, { labels: ['sla/at-risk'] }],
      // Taking at-risk off needs its id: the repository's labels were looked up, so ids from here on.
      ['POST', `${ISSUE}/labels`, { labels: [902] }],
      ['DELETE', `${ISSUE}/labels/901`, ''],
    ]);
    const comments = calls.filter((call) => call.method === 'COMMENT');
    expect(comments, 'one breach comment').to.have.length(1);
    expect((comments[0]!.body as { body: string }).body).to.include('open2bizz/odoo-customer#77');
  });
});
