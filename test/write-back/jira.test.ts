/**
 * Jira write-back requests, built and then sent with axios to a Jira intercepted by nock, which
 * checks the path and the Authorization header; the bodies nock received are compared byte for
 * byte. Deadlines are Europe/Amsterdam: July is summer time (+0200), January winter time (+0100).
 */
import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import type { IssueRef } from '../../connectors/connector.js';
import { buildWriteBack } from '../../connectors/jira/write-back.js';
import { NOTHING_TO_SHOW, type WriteBackFields } from '../../src/domain/write-back-fields.js';
import { writeBackConfigSchema } from '../../src/config/write-back-config.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import type { Source } from '../../src/config/source.js';
import { interceptHttp } from '../support/http-interception.js';

const JIRA = 'https://jira.example.com';
const ZONE = 'Europe/Amsterdam';
const ISSUE: IssueRef = { id: '10042', key: 'MB-42' };

const SUMMER = Date.parse('2026-07-01T14:39:00+02:00');
const SUMMER_LATER = Date.parse('2026-07-03T10:00:00+02:00');
const WINTER = Date.parse('2026-01-15T09:00:00+01:00');

function jiraSource(api: { token?: string; user?: string } = { token: 'jira-token', user: 'bot@megabite.example' }): Source {
  return parseSource('jira-demo', {
      kind: 'jira',
      base_url: `${JIRA}/`,
      webhook: { secrets: ['s'] },
      api,
      priority: { field: 'priority', map: { Highest: 'P1' }, default: 'P3' },
    }, PLUGINS.trackers);
}

const CONFIG = writeBackConfigSchema.parse({
  enabled: true,
  fields: { reaction: 'customfield_10050', resolution: 'customfield_10052' },
  due_date: true,
  comment_on_breach: true,
});

function shows(overrides: Partial<WriteBackFields> & { reaction?: number | null; resolution?: number | null } = {}): WriteBackFields {
  const { reaction = null, resolution = null, ...rest } = overrides;
  const open = [reaction, resolution].filter((deadline): deadline is number => deadline !== null);
  return {
    ...NOTHING_TO_SHOW,
    zone: ZONE,
    deadlines: { reaction, response: null, resolution },
    nearest: open.length > 0 ? Math.min(...open) : null,
    ...rest,
  };
}

const BASIC = 'Basic Ym90QG1lZ2FiaXRlLmV4YW1wbGU6amlyYS10b2tlbg==';

/** Sends the requests as the bridge will: the body string as is, no re-serialising. */
async function sendAll(requests: readonly OutboundRequest[]): Promise<void> {
  for (const request of requests) {
    await axios.request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body === '' ? undefined : request.body,
      transformRequest: [(data: unknown) => data],
    });
  }
}

/** Intercepts Jira, requiring this Authorization header, and records each body as received. */
function jira(authorization: string): { scope: nock.Scope; bodies: string[] } {
  const bodies: string[] = [];
  const scope = nock(JIRA, { reqheaders: { authorization, 'content-type': 'application/json' } });
  scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => bodies.push(body));
  return { scope, bodies };
}

describe('write-back: Jira', () => {
  interceptHttp({ cleanAfterEach: true });

  const source = jiraSource();
  const build = (desired: WriteBackFields, previous: WriteBackFields | undefined, config = CONFIG) =>
    buildWriteBack(source, config, ISSUE, desired, previous);

  const first = shows({ reaction: SUMMER });
  const rows: { name: string; desired: WriteBackFields; previous: WriteBackFields | undefined; bodies: string[] }[] = [
    {
      name: 'first write: the open deadline and the due date, nothing for the empty field',
      desired: first,
      previous: undefined,
      bodies: ['{"fields":{"customfield_10050":"2026-07-01T14:39:00.000+0200","duedate":"2026-07-01"}}'],
    },
    { name: 'unchanged: no request', desired: first, previous: first, bodies: [] },
    {
      name: 'one metric changed: only its field (the nearest, so the due date, stays)',
      desired: shows({ reaction: SUMMER, resolution: SUMMER_LATER }),
      previous: first,
      bodies: ['{"fields":{"customfield_10052":"2026-07-03T10:00:00.000+0200"}}'],
    },
    {
      name: 'deadline cleared (reaction met): null, and the due date moves to the next open deadline',
      desired: shows({ resolution: SUMMER_LATER }),
      previous: shows({ reaction: SUMMER, resolution: SUMMER_LATER }),
      bodies: ['{"fields":{"customfield_10050":null,"duedate":"2026-07-03"}}'],
    },
    {
      name: 'everything met: both fields and the due date cleared',
      desired: shows(),
      previous: shows({ reaction: SUMMER, resolution: SUMMER_LATER }),
      bodies: ['{"fields":{"customfield_10050":null,"customfield_10052":null,"duedate":null}}'],
    },
    {
      name: 'winter time: the offset is +0100',
      desired: shows({ reaction: WINTER }),
      previous: undefined,
      bodies: ['{"fields":{"customfield_10050":"2026-01-15T09:00:00.000+0100","duedate":"2026-01-15"}}'],
    },
    {
      name: "just after midnight: the due date is the zone's day, not UTC's",
      desired: shows({ reaction: Date.parse('2026-01-15T00:30:00+01:00') }),
      previous: undefined,
      bodies: ['{"fields":{"customfield_10050":"2026-01-15T00:30:00.000+0100","duedate":"2026-01-15"}}'],
    },
    {
      // Jira keeps a date-time as an instant and shows it in each user's zone: only the due date's day moves.
      name: 'the same instant in another zone (contract moved calendar): the date-time stays, the due date follows its day',
      desired: { ...shows({ reaction: Date.parse('2026-07-01T00:30:00+02:00') }), zone: 'Europe/London' },
      previous: shows({ reaction: Date.parse('2026-07-01T00:30:00+02:00') }),
      bodies: ['{"fields":{"duedate":"2026-06-30"}}'],
    },
    {
      name: 'whole minutes, rounded down: Jira\'s pickers keep no seconds, and the field never shows a later deadline',
      desired: shows({ reaction: Date.parse('2026-07-01T14:39:59.999+02:00') }),
      previous: undefined,
      bodies: ['{"fields":{"customfield_10050":"2026-07-01T14:39:00.000+0200","duedate":"2026-07-01"}}'],
    },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const requests = build(row.desired, row.previous);
      expect(requests.map((request) => [request.method, request.url])).to.deep.equal(
        row.bodies.map(() => ['PUT', `${JIRA}/rest/api/2/issue/10042`]),
      );
      const { scope, bodies } = jira(BASIC);
      for (let n = 0; n < row.bodies.length; n += 1) scope.put('/rest/api/2/issue/10042').reply(204);
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies).to.deep.equal(row.bodies);
    });
  }

  it('comments once when the issue becomes breached, with no field request when no deadline moved', async () => {
    const breached = { ...first, breached: true, breachedMetrics: ['reaction' as const] };
    const requests = build(breached, first);
    expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal([`POST ${JIRA}/rest/api/2/issue/10042/comment`]);
    const { scope, bodies } = jira(BASIC);
    scope.post('/rest/api/2/issue/10042/comment').reply(201, { id: '100' });
    await sendAll(requests);
    expect(scope.isDone()).to.equal(true);
    expect(bodies).to.deep.equal(['{"body":"SLA breached on MB-42: reaction was due 2026-07-01 14:39 (Europe/Amsterdam) and is still open."}']);

    // Once the breach is written, it stays breached: no second comment.
    expect(build(breached, breached)).to.deep.equal([]);
    // Met late afterwards: the field is cleared, still no comment.
    const metLate = { ...breached, deadlines: { ...breached.deadlines, reaction: null }, nearest: null };
    expect(build(metLate, breached).map((request) => request.method)).to.deep.equal(['PUT']);
  });

  it('does not comment on an issue first written while already breached, nor when comments are off', () => {
    const breached = { ...first, breached: true, breachedMetrics: ['reaction' as const] };
    expect(build(breached, undefined).map((request) => request.method)).to.deep.equal(['PUT']);
    const quiet = writeBackConfigSchema.parse({ ...CONFIG, comment_on_breach: false });
    expect(build(breached, first, quiet)).to.deep.equal([]);
  });

  it('writes only what is configured: no due date, no fields, or nothing when disabled', () => {
    const fieldsOnly = writeBackConfigSchema.parse({ enabled: true, fields: { reaction: 'customfield_10050' } });
    expect(build(shows({ reaction: SUMMER }), undefined, fieldsOnly).map((request) => request.body)).to.deep.equal([
      '{"fields":{"customfield_10050":"2026-07-01T14:39:00.000+0200"}}',
    ]);
    const dueDateOnly = writeBackConfigSchema.parse({ enabled: true, due_date: true });
    expect(build(shows({ resolution: SUMMER_LATER }), undefined, dueDateOnly).map((request) => request.body)).to.deep.equal([
      '{"fields":{"duedate":"2026-07-03"}}',
    ]);
    expect(build(first, undefined, writeBackConfigSchema.parse({ ...CONFIG, enabled: false }))).to.deep.equal([]);
  });

  it('never touches an issue it has nothing to show for', () => {
    expect(build(NOTHING_TO_SHOW, undefined)).to.deep.equal([]);
  });

  it('sends a Data Center personal access token (no api.user) as Bearer', async () => {
    const requests = buildWriteBack(jiraSource({ token: 'pat-123' }), CONFIG, ISSUE, first, undefined);
    const { scope } = jira('Bearer pat-123');
    scope.put('/rest/api/2/issue/10042').reply(204);
    await sendAll(requests);
    expect(scope.isDone()).to.equal(true);
  });

  it('refuses to build a request without a token, and names no credential in descriptions', () => {
    expect(() => buildWriteBack(jiraSource({}), CONFIG, ISSUE, first, undefined)).to.throw(/jira-demo has no api.token/);
    const requests = build(first, undefined);
    expect(requests.map((request) => request.description)).to.deep.equal(['jira jira-demo: SLA fields of MB-42']);
    expect(JSON.stringify(requests.map((request) => request.description))).not.to.include('jira-token');
  });

  it('echo: what the tracker holds after our write (previous = desired) asks for nothing', () => {
    for (const desired of [first, shows({ reaction: WINTER, resolution: SUMMER_LATER }), { ...first, breached: true, breachedMetrics: ['reaction' as const] }]) {
      const written = JSON.parse(JSON.stringify(desired)) as WriteBackFields;
      expect(build(desired, written)).to.deep.equal([]);
    }
  });
});
