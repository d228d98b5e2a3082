import { expect } from 'chai';
import nock from 'nock';
import { jiraConnector } from '../../connectors/jira/index.js';
import type { TrackerRead } from '../../connectors/connector.js';
import { updatedSinceJql } from '../../connectors/jira/changed-issues.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { trackerRead } from '../../src/app/jobs/reconcile.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { missedEvents } from '../../src/domain/missed-events.js';
import { interceptHttp } from '../support/http-interception.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../support/shipped-config.js';
import { storyRestIssue, storyWebhooks, type JiraStory } from '../support/jira-rest.js';

const JIRA = 'https://jira.example.com';
const reader = jiraConnector.createReader!();

function source(credentials: { JIRA_API_USER?: string }): Source {
  return loadBridgeConfig(SHIPPED_CONFIG_DIR, { ...DEMO_SECRETS, JIRA_API_TOKEN: 'jira-token', ...credentials }).sources.get('jira-demo')!;
}
const cloud = () => source({ JIRA_API_USER: 'bot@megabite.example' });
const dataCenter = () => source({});
const read: TrackerRead = trackerRead(new OutboundHttp({ retry: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 } }));

async function pages(src: Source, since: number) {
  const seen: { keys: string[]; total: number | undefined }[] = [];
  for await (const page of reader.changedIssues(src, since, read)) seen.push({ keys: page.issues.map((issue) => (issue as { key: string }).key), total: page.total });
  return seen;
}

const STORY: JiraStory = {
  id: '10007',
  key: 'MB-7',
  created: '2026-11-23T09:00:00.000+01:00',
  priority: 'Medium',
  status: 'Open',
  changes: [
    { at: '2026-11-23T09:20:00.000+01:00', field: 'priority', to: 'Highest' },
    { at: '2026-11-23T10:00:00.000+01:00', field: 'status', to: 'Waiting for customer' },
    { at: '2026-11-23T10:30:00.000+01:00', field: 'status', to: 'In Progress' },
    { at: '2026-11-23T11:00:00.000+01:00', field: 'status', to: 'Done' },
  ],
  comments: [
    { at: '2026-11-23T09:10:00.000+01:00', author: { name: 'Pieter', email: 'pieter@bakkerij.example' } },
    { at: '2026-11-23T09:30:00.000+01:00', author: { name: 'Anna', email: 'anna@megabite.example' } },
  ],
};
const at = (iso: string) => Date.parse(iso);

describe('Jira reader (reconciliation)', () => {
  interceptHttp({ cleanAfterEach: true });

  it('asks for the updated issues with a relative JQL time, one minute wider', () => {
    expect(updatedSinceJql(at('2026-11-22T10:00:00Z'), at('2026-11-23T10:00:00Z'))).to.equal('updated >= "-1441m" ORDER BY updated ASC');
    expect(updatedSinceJql(at('2026-11-23T09:59:30Z'), at('2026-11-23T10:00:00Z'))).to.equal('updated >= "-2m" ORDER BY updated ASC');
  });

  it('pages Cloud search/jql by nextPageToken, with the approximate count as total, and Basic auth', async () => {
    const auth = `Basic ${Buffer.from('bot@megabite.example:jira-token').toString('base64')}`;
    const scope = nock(JIRA, { reqheaders: { authorization: auth } })
      .post('/rest/api/3/search/approximate-count', (body: { jql: string }) => body.jql.startsWith('updated >= "-'))
      .reply(200, { count: 3 })
      .get('/rest/api/3/search/jql')
      .query((q) => q.expand === 'changelog' && q.fields === '*navigable,comment,worklog' && q.maxResults === '50' && q.nextPageToken === undefined)
      .reply(200, { issues: [{ key: 'MB-1' }, { key: 'MB-2' }], nextPageToken: 'tok-2', isLast: false })
      .get('/rest/api/3/search/jql')
      .query((q) => q.nextPageToken === 'tok-2')
      .reply(200, { issues: [{ key: 'MB-3' }], isLast: true });
    expect(await pages(cloud(), Date.now() - 3_600_000)).to.deep.equal([
      { keys: ['MB-1', 'MB-2'], total: 3 },
      { keys: ['MB-3'], total: 3 },
    ]);
    expect(scope.isDone()).to.equal(true);
  });

  it('pages Data Center search by startAt up to its total, with a Bearer token', async () => {
    const scope = nock(JIRA, { reqheaders: { authorization: 'Bearer jira-token' } })
      .get('/rest/api/2/search')
      .query((q) => q.startAt === '0')
      .reply(200, { startAt: 0, maxResults: 2, total: 3, issues: [{ key: 'MB-1' }, { key: 'MB-2' }] })
      .get('/rest/api/2/search')
      .query((q) => q.startAt === '2')
      .reply(200, { startAt: 2, maxResults: 2, total: 3, issues: [{ key: 'MB-3' }] });
    expect(await pages(dataCenter(), Date.now() - 3_600_000)).to.deep.equal([
      { keys: ['MB-1', 'MB-2'], total: 3 },
      { keys: ['MB-3'], total: 3 },
    ]);
    expect(scope.isDone()).to.equal(true);
  });

  it('goes on without a total when the count endpoint fails', async () => {
    nock(JIRA).post('/rest/api/3/search/approximate-count').reply(404, {}).get('/rest/api/3/search/jql').query(true).reply(200, { issues: [{ key: 'MB-1' }], isLast: true });
    expect(await pages(cloud(), Date.now() - 60_000)).to.deep.equal([{ keys: ['MB-1'], total: undefined }]);
  });

  it('fails the listing with the status when Jira refuses the credentials', async () => {
    nock(JIRA).post('/rest/api/3/search/approximate-count').reply(401, {}).get('/rest/api/3/search/jql').query(true).reply(401, { errorMessages: ['Unauthorized'] });
    const error = await pages(cloud(), Date.now() - 60_000).catch((failure: Error) => failure);
    expect(String(error)).to.match(/HTTP 401/);
  });

  it("tells an issue's story from its changelog and comments: creation as it was, then each change at its own time", async () => {
    const told = await reader.issueHistory(cloud(), storyRestIssue(STORY), read);
    expect(told.outcome).to.equal('events');
    if (told.outcome !== 'events') return;
    expect(told.issue).to.deep.equal({ id: '10007', key: 'MB-7', title: 'Mail server down', url: `${JIRA}/browse/MB-7` });
    const brief = told.events.map((event) => {
      const { type, at: when } = event;
      const detail = 'priority' in event && event.type !== 'created' ? event.priority : 'status' in event ? event.status : 'by' in event ? event.by : '';
      return `${new Date(when).toISOString().slice(11, 16)} ${type}${event.type === 'created' ? ` ${event.priority} ${event.status} synthetic=${event.synthetic}` : detail ? ` ${detail}` : ''}`;
    });
    expect(brief).to.deep.equal([
      '08:00 created P3 Open synthetic=false',
      '08:20 priority_changed P1',
      '09:00 status_changed Waiting for customer',
      '09:30 status_changed In Progress',
      '10:00 status_changed Done',
      '10:00 resolved Done',
      '08:10 commented customer',
      '08:30 commented agent',
    ]);
    expect(told.events.find((event) => event.type === 'status_changed' && event.status === 'Waiting for customer')).to.include({ paused: true });
  });

  it('tells the same facts the webhooks told, within a second of their times', async () => {
    const fromWebhooks: IssueEvent[] = storyWebhooks(STORY).flatMap(({ body }) => {
      const normalized = jiraConnector.normalize(cloud(), jiraConnector.payloadSchema.parse(body), { headers: {}, rawBody: Buffer.from('') });
      // Observed events restate the issue as each delivery showed it: not facts a history tells.
      return normalized.outcome === 'events' ? normalized.events.filter((event) => event.type !== 'observed') : [];
    });
    const told = await reader.issueHistory(cloud(), storyRestIssue(STORY), read);
    if (told.outcome !== 'events') throw new Error('expected events');
    expect(missedEvents(fromWebhooks, told.events, 1_000)).to.deep.equal([]);
    expect(missedEvents(told.events, fromWebhooks, 1_000)).to.deep.equal([]);
  });

  it('reads the rest of a long changelog (Cloud pages it) and of the comments', async () => {
    const issue = storyRestIssue(STORY);
    const histories = issue.changelog.histories;
    const comments = issue.fields.comment.comments;
    const trimmed = {
      ...issue,
      changelog: { ...issue.changelog, histories: histories.slice(0, 1), maxResults: 1 },
      fields: { ...issue.fields, comment: { ...issue.fields.comment, comments: comments.slice(0, 1), maxResults: 1 } },
    };
    const scope = nock(JIRA)
      .get('/rest/api/3/issue/10007/changelog')
      .query({ startAt: '0', maxResults: '100' })
      .reply(200, { startAt: 0, maxResults: 2, total: 4, isLast: false, values: histories.slice(0, 2) })
      .get('/rest/api/3/issue/10007/changelog')
      .query({ startAt: '2', maxResults: '100' })
      .reply(200, { startAt: 2, maxResults: 2, total: 4, isLast: true, values: histories.slice(2) })
      .get('/rest/api/3/issue/10007/comment')
      .query({ startAt: '0', maxResults: '100' })
      .reply(200, { startAt: 0, maxResults: 100, total: 2, comments });
    const whole = await reader.issueHistory(cloud(), issue, read);
    const paged = await reader.issueHistory(cloud(), trimmed, read);
    expect(paged).to.deep.equal(whole);
    expect(scope.isDone()).to.equal(true);
  });

  it('names the field when a listed issue is not a Jira issue', async () => {
    const error = await reader.issueHistory(cloud(), { key: 'MB-1', fields: {} }, read).catch((failure: Error) => failure);
    expect(String(error)).to.match(/id/);
  });
});
