/**
 * Contract notices (connectors/chat/notice.ts) on every chat channel of the registry: the term
 * ending, the downtime budget running low or used up, a recurring obligation due or overdue, a
 * support line escalating an issue to the next line. Each
 * names the customer, what happened in the message's language, the issue it points to with its
 * link, and no SLA metric (none of these is a reaction or resolution time); a breach-severity
 * notice is styled as a breach where the channel styles messages. Delivered through axios to a
 * host intercepted by nock, which must see the bytes that were built.
 */
import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import { isHttpPost, type ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import { configureChatChannel } from '../../connectors/chat/configured-channel.js';
import { plainText } from '../../connectors/chat/message-text.js';
import { noticeText } from '../../connectors/chat/notice-text.js';
import { chatNoticeSchema, noticeSeverity, type ChatNotice } from '../../connectors/chat/notice.js';
import { chatChannels } from '../../connectors/chat/registry.js';
import { interceptHttp } from '../support/http-interception.js';
import { SAMPLE_CONFIGS, stringsIn } from './samples.js';

const KINDS = Object.keys(chatChannels) as ChatChannelKind[];
const ZONE = 'Europe/Amsterdam';
const HOUR = 3_600_000;
const AT = Date.parse('2026-11-17T14:00:00+01:00');

const incident = { source: 'gitea-ops', tracker: 'Gitea', id: 'ops/app#9', key: 'ops/app#9', title: 'Odoo unreachable', url: 'https://gitea.example.com/ops/app/issues/9' };
const NOTICES: readonly { readonly name: string; readonly notice: ChatNotice; readonly says: Record<'en' | 'nl', string[]> }[] = [
  {
    name: 'half the downtime budget left',
    notice: { id: 'availability-half', kind: 'downtime_budget', language: 'en', customer: 'Open2Bizz klant', contract: 'open2bizz-saas', zone: ZONE, month: '2026-11', targetPercent: 99.9, share: 0.5, budgetMs: 43.2 * 60_000, remainingMs: 21.6 * 60_000, exhaustedAt: AT + 21.6 * 60_000, incident, firedAt: AT },
    says: { en: ['50% of the downtime budget left for Nov 2026', '22m of 43m left (uptime target 99.9%)', 'ops/app#9', incident.url], nl: ['Nog 50% van het storingsbudget over voor nov 2026', 'nog 22m van 43m (beschikbaarheid 99.9%)'] },
  },
  {
    name: 'the downtime budget used up',
    notice: { id: 'availability-used', kind: 'downtime_budget', language: 'en', customer: 'Open2Bizz klant', contract: 'open2bizz-saas', zone: ZONE, month: '2026-11', targetPercent: 99.9, share: 0, budgetMs: 43.2 * 60_000, remainingMs: -5 * 60_000, exhaustedAt: AT - 5 * 60_000, incident, firedAt: AT },
    says: { en: ['Downtime budget for Nov 2026 used up', '5m over 43m (uptime target 99.9% missed)', 'Tue 17 Nov 2026 13:55 (Europe/Amsterdam)'], nl: ['Storingsbudget voor nov 2026 opgebruikt', 'di 17 nov 2026 13:55'] },
  },
  {
    name: 'a recurring obligation due soon',
    notice: {
      id: 'obligation-warning',
      kind: 'obligation',
      check: 'warning',
      language: 'en',
      customer: 'Mega Bite klant',
      contract: 'megabite-standard',
      zone: ZONE,
      obligation: { id: 'maintenance', title: 'Quarterly preventive maintenance' },
      period: '2026-Q4',
      dueAt: AT + 48 * HOUR,
      remainingMs: 16 * HOUR,
      lead: '2d before',
      issue: { source: 'jira-demo', tracker: 'Jira', id: '10077', key: 'MB-77', title: 'Quarterly preventive maintenance 2026-Q4', url: 'https://jira.example.com/browse/MB-77' },
      firedAt: AT,
    },
    says: { en: ['Quarterly preventive maintenance due in 16h', '2026-Q4', 'Thu 19 Nov 2026 14:00', 'MB-77', 'https://jira.example.com/browse/MB-77'], nl: ['Quarterly preventive maintenance uiterlijk over 16u', 'do 19 nov 2026 14:00'] },
  },
  {
    name: 'a recurring obligation not done by its deadline',
    notice: {
      id: 'obligation-deadline',
      kind: 'obligation',
      check: 'deadline',
      language: 'en',
      customer: 'Mega Bite klant',
      contract: 'megabite-standard',
      zone: ZONE,
      obligation: { id: 'maintenance', title: 'Quarterly preventive maintenance' },
      period: '2026-Q4',
      dueAt: AT - HOUR,
      remainingMs: -HOUR,
      issue: { source: 'jira-demo', tracker: 'Jira', id: '10077', key: 'MB-77', title: 'Quarterly preventive maintenance 2026-Q4' },
      firedAt: AT,
    },
    says: { en: ['Quarterly preventive maintenance not done by its deadline', '1h overdue'], nl: ['Quarterly preventive maintenance niet op tijd gedaan', '1u te laat'] },
  },
  {
    name: 'a support line escalating on its breach, the issue assigned to the next line',
    notice: {
      id: 'esc-breach~to-third',
      kind: 'line_escalation',
      language: 'en',
      customer: 'Mega Bite klant',
      contract: 'megabite-standard',
      zone: ZONE,
      fromLine: 'second',
      toLine: 'third',
      after: 'breach',
      deadline: AT - HOUR,
      remainingMs: -HOUR,
      priority: 'P1',
      assignee: 'Carla',
      assignTo: 'ronald',
      issue: { source: 'jira-demo', tracker: 'Jira', id: '10701', key: 'MB-701', title: 'Checkout returns 502', url: 'https://jira.example.com/browse/MB-701' },
      firedAt: AT,
    },
    says: {
      en: ['🔺 Escalated to third: second did not react within its handover time: MB-701 Checkout returns 502 (Mega Bite klant, P1)', 'second → third (handover breach)', 'Carla → ronald', '1h overdue'],
      nl: ['Geëscaleerd naar third: second reageerde niet binnen de overdrachtstijd', 'second → third (overdracht breach)', 'Carla → ronald', '1u te laat'],
    },
  },
  {
    name: 'a support line escalating ahead of its handover deadline, the next line only told',
    notice: {
      id: 'esc-before~to-third',
      kind: 'line_escalation',
      language: 'en',
      customer: 'Mega Bite klant',
      contract: 'megabite-standard',
      zone: ZONE,
      fromLine: 'second',
      toLine: 'third',
      after: '30m before',
      deadline: AT + HOUR / 2,
      remainingMs: HOUR / 2,
      priority: 'P2',
      assignee: null,
      issue: { source: 'jira-demo', tracker: 'Jira', id: '10702', key: 'MB-702', title: 'Slow search' },
      firedAt: AT,
    },
    says: {
      en: ["Escalated to third: 30m left of second's handover time", 'unassigned (third is told; the issue stays where it is)', 'Tue 17 Nov 2026 14:30'],
      nl: ['Geëscaleerd naar third: nog 30m van de overdrachtstijd van second', 'niet toegewezen (third is ingelicht; de melding blijft waar hij is)', 'di 17 nov 2026 14:30'],
    },
  },
];

describe('contract notices on every chat channel', () => {
  interceptHttp();

  for (const { name, notice, says } of NOTICES) {
    for (const language of ['en', 'nl'] as const) {
      const told = chatNoticeSchema.parse({ ...notice, language }) as Exclude<ChatNotice, { kind: 'duty_handover' }>;
      it(`${name} (${language}): says it in the message's language, with no SLA metric`, () => {
        const text = plainText(noticeText(told));
        for (const words of says[language]) expect(text).to.include(words);
        for (const metric of ['resolution time', 'reaction time', 'oplostijd', 'reactietijd']) expect(text).to.not.include(metric);
      });
      for (const kind of KINDS) {
        it(`${name} (${language}) on ${kind}: customer, the issue and its link, delivered as built`, async () => {
          const channel = configureChatChannel(kind, SAMPLE_CONFIGS[kind]);
          const request = channel.buildNoticeRequest(told);
          const strings = isHttpPost(request) ? stringsIn(JSON.parse(request.body)).join('\n') : request.log;
          expect(strings).to.include(told.customer);
          const linked = told.kind === 'contract_term' ? undefined : told.kind === 'downtime_budget' ? told.incident : told.issue;
          if (linked) expect(strings).to.include(linked.key);
          if (linked?.url && kind !== 'console') expect(strings).to.include(linked.url);
          if (!isHttpPost(request)) return;
          const target = new URL(request.url);
          let seen: string | undefined;
          const scope = nock(target.origin).post((uri) => uri === target.pathname + target.search).reply(200, 'ok');
          scope.on('request', (_req: unknown, _interceptor: unknown, body: string) => {
            seen = body;
          });
          await axios.post(request.url, Buffer.from(request.body, 'utf8'), { headers: { ...request.headers }, transformRequest: [(data: unknown) => data] });
          expect(seen).to.equal(request.body);
        });
      }
    }
  }

  it('styles a used-up budget, an overdue obligation and an escalation to the next line as breaches, the rest as warnings (Slack: the button)', () => {
    expect(NOTICES.map(({ notice }) => noticeSeverity(notice))).to.deep.equal(['warning', 'breach', 'warning', 'breach', 'breach', 'breach']);
    const slack = configureChatChannel('slack', SAMPLE_CONFIGS.slack);
    // The style is the link button's: every notice here gets a link.
    const linked = (notice: ChatNotice): ChatNotice => (notice.kind === 'obligation' || notice.kind === 'line_escalation' ? { ...notice, issue: { ...notice.issue, url: 'https://jira.example.com/browse/MB-77' } } : notice);
    const styles = NOTICES.map(({ notice }) => {
      const request = slack.buildNoticeRequest(linked(notice));
      return isHttpPost(request) && request.body.includes('"style":"danger"') ? 'danger' : 'plain';
    });
    expect(styles).to.deep.equal(['plain', 'danger', 'plain', 'danger', 'danger', 'danger']);
  });
});
