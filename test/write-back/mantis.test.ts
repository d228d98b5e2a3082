/**
 * MantisBT write-back requests, built and then sent with axios to a MantisBT intercepted by nock,
 * which checks paths and the bare-token Authorization header; bodies are compared byte for byte.
 * Date custom fields take epoch seconds as a string and "" to clear (null is refused by MantisBT);
 * the due date takes ISO 8601 with the zone's offset.
 */
import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import type { IssueRef } from '../../connectors/connector.js';
import { buildWriteBack } from '../../connectors/mantis/write-back.js';
import { NOTHING_TO_SHOW, type WriteBackFields } from '../../src/domain/write-back-fields.js';
import { writeBackConfigSchema } from '../../src/config/write-back-config.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import { interceptHttp } from '../support/http-interception.js';

const MANTIS = 'https://mantis.example.com';
const ZONE = 'Europe/Amsterdam';
const ISSUE: IssueRef = { id: '42', key: '42' };
const ISSUE_PATH = '/api/rest/issues/42';

const source = parseSource('mantis-demo', {
    kind: 'mantis',
    base_url: MANTIS,
    webhook: { secrets: ['s'] },
    api: { token: 'mantis-token' },
    priority: { field: 'priority', map: { urgent: 'P1' }, default: 'P3' },
  }, PLUGINS.trackers);

const CONFIG = writeBackConfigSchema.parse({
  enabled: true,
  fields: { reaction: 'SLA reaction deadline', resolution: 'SLA resolution deadline' },
  due_date: true,
  comment_on_breach: true,
});

const SUMMER = Date.parse('2026-07-01T14:39:00+02:00'); // 1782909540 s
const SUMMER_LATER = Date.parse('2026-07-03T10:00:00+02:00'); // 1783065600 s
const WINTER = Date.parse('2026-01-15T09:00:00+01:00'); // 1768464000 s

function shows(reaction: number | null, resolution: number | null = null, overrides: Partial<WriteBackFields> = {}): WriteBackFields {
  const open = [reaction, resolution].filter((deadline): deadline is number => deadline !== null);
  return {
    ...NOTHING_TO_SHOW,
    zone: ZONE,
    deadlines: { reaction, response: null, resolution },
    nearest: open.length > 0 ? Math.min(...open) : null,
    ...overrides,
  };
}

async function sendAll(requests: readonly OutboundRequest[]): Promise<void> {
  for (const request of requests) {
    await axios.request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      transformRequest: [(data: unknown) => data],
    });
  }
}

function mantis(): { scope: nock.Scope; bodies: string[] } {
  const bodies: string[] = [];
  const scope = nock(MANTIS, { reqheaders: { authorization: 'mantis-token', 'content-type': 'application/json' } });
  scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => bodies.push(body));
  return { scope, bodies };
}

describe('write-back: MantisBT', () => {
  interceptHttp({ cleanAfterEach: true });

  const build = (desired: WriteBackFields, previous: WriteBackFields | undefined, config = CONFIG) => buildWriteBack(source, config, ISSUE, desired, previous);

  const first = shows(SUMMER);
  const rows: { name: string; desired: WriteBackFields; previous: WriteBackFields | undefined; body: string | null }[] = [
    {
      name: 'first write: epoch seconds in the custom field, the due date with its summer offset',
      desired: first,
      previous: undefined,
      body: '{"custom_fields":[{"field":{"name":"SLA reaction deadline"},"value":"1782909540"}],"due_date":"2026-07-01T14:39:00+02:00"}',
    },
    { name: 'unchanged: no request', desired: first, previous: first, body: null },
    {
      name: 'a sub-second move is no change (MantisBT stores seconds)',
      desired: shows(SUMMER + 400),
      previous: first,
      body: null,
    },
    {
      name: 'one metric changed: only its field, the due date stays',
      desired: shows(SUMMER, SUMMER_LATER),
      previous: first,
      body: '{"custom_fields":[{"field":{"name":"SLA resolution deadline"},"value":"1783065600"}]}',
    },
    {
      name: 'deadline cleared (reaction met): "" clears the field, the due date moves on',
      desired: shows(null, SUMMER_LATER),
      previous: shows(SUMMER, SUMMER_LATER),
      body: '{"custom_fields":[{"field":{"name":"SLA reaction deadline"},"value":""}],"due_date":"2026-07-03T10:00:00+02:00"}',
    },
    {
      name: 'everything met: both fields and the due date cleared with ""',
      desired: shows(null),
      previous: shows(SUMMER, SUMMER_LATER),
      body: '{"custom_fields":[{"field":{"name":"SLA reaction deadline"},"value":""},{"field":{"name":"SLA resolution deadline"},"value":""}],"due_date":""}',
    },
    {
      name: 'winter time: +01:00',
      desired: shows(WINTER),
      previous: undefined,
      body: '{"custom_fields":[{"field":{"name":"SLA reaction deadline"},"value":"1768464000"}],"due_date":"2026-01-15T09:00:00+01:00"}',
    },
    { name: 'nothing to show on a never-written issue: untouched', desired: shows(null), previous: undefined, body: null },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const requests = build(row.desired, row.previous);
      expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal(row.body === null ? [] : [`PATCH ${MANTIS}${ISSUE_PATH}`]);
      const { scope, bodies } = mantis();
      if (row.body !== null) scope.patch(ISSUE_PATH).reply(200, { issues: [{ id: 42 }] });
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies).to.deep.equal(row.body === null ? [] : [row.body]);
    });
  }

  it('adds one private note when the issue becomes breached, and none after', async () => {
    const breached = shows(SUMMER, null, { breached: true, breachedMetrics: ['reaction'] });
    const requests = build(breached, first);
    expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal([`POST ${MANTIS}${ISSUE_PATH}/notes`]);
    const { scope, bodies } = mantis();
    scope.post(`${ISSUE_PATH}/notes`).reply(201, { note: { id: 7 } });
    await sendAll(requests);
    expect(scope.isDone()).to.equal(true);
    expect(bodies).to.deep.equal([
      '{"text":"SLA breached on 42: reaction was due 2026-07-01 14:39 (Europe/Amsterdam) and is still open.","view_state":{"name":"private"}}',
    ]);
    expect(build(breached, breached)).to.deep.equal([]);
    expect(build(breached, undefined).map((request) => request.method)).to.deep.equal(['PATCH']);
  });

  it('names a metric met after its deadline in the note', () => {
    const metLate = shows(null, SUMMER_LATER, { breached: true, breachedMetrics: ['reaction'] });
    const [note] = build(metLate, shows(null, SUMMER_LATER)).filter((request) => request.url.endsWith('/notes'));
    expect(JSON.parse(note!.body as string)).to.deep.equal({ text: 'SLA breached on 42: reaction was met after its deadline.', view_state: { name: 'private' } });
  });

  it('echo: what the tracker holds after our write (previous = desired) asks for nothing', () => {
    for (const desired of [first, shows(WINTER, SUMMER_LATER), shows(null, null, { breached: true, breachedMetrics: ['resolution'] })]) {
      const written = JSON.parse(JSON.stringify(desired)) as WriteBackFields;
      expect(build(desired, written)).to.deep.equal([]);
    }
  });
});
