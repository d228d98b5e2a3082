/** Mattermost: Markdown text, one attachment coloured by kind, and the optional channel/username/icon. */
import { expect } from 'chai';
import { isHttpPost } from '../../connectors/chat/chat-channel.js';
import { mattermostChannel } from '../../connectors/chat/mattermost/index.js';
import { MATTERMOST_COLORS, type MattermostMessage } from '../../connectors/chat/mattermost/payload.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { BASE, stringsIn } from './samples.js';

const URL_ONLY = { url: 'https://chat.example.com/hooks/xyz' };

function build(settings: Record<string, unknown> = URL_ONLY, changes: Partial<SlaNotification> = {}): MattermostMessage {
  const request = mattermostChannel.buildRequest(mattermostChannel.configSchema.parse(settings), { ...BASE, ...changes });
  if (!isHttpPost(request)) throw new Error('mattermost must post');
  return JSON.parse(request.body) as MattermostMessage;
}

describe('mattermost channel', () => {
  const colours: [SlaNotification['kind'], string, string][] = [
    ['warning', '75%', '#F2A900'],
    ['breach', 'breach', '#D0021B'],
    ['escalation', 'escalation 1', '#7A0010'],
  ];
  for (const [kind, threshold, colour] of colours) {
    it(`colours a ${kind} ${colour}`, () => {
      expect(build(URL_ONLY, { kind, threshold }).attachments[0]!.color).to.equal(colour);
    });
  }

  it('gives every kind its own colour', () => {
    expect(new Set(Object.values(MATTERMOST_COLORS)).size).to.equal(3);
  });

  it('writes a Markdown line with the issue linked, and the late note below it', () => {
    expect(build(URL_ONLY, { late: { byMs: 720_000 } }).text).to.equal(
      '⚠️ **75% of the reaction time used**: [MB-42](https://jira.example.com/browse/MB-42) Checkout returns 502\n⏱️ **sent 12m late: the bridge was down**',
    );
  });

  it('has a fallback and the fields, short ones side by side', () => {
    const [attachment] = build(URL_ONLY, { language: 'nl', assignee: null }).attachments;
    expect(attachment!.fallback).to.equal('⚠️ 75% van de reactietijd verstreken: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)');
    expect(attachment!.fields).to.deep.include({ title: 'Behandelaar', value: 'niet toegewezen', short: true });
    expect(attachment!.fields).to.deep.include({ title: 'Melding', value: '[MB-42 in Jira (jira-demo)](https://jira.example.com/browse/MB-42)', short: false });
  });

  it('sets channel, username and icon only when configured', () => {
    expect(build()).not.to.have.any.keys('channel', 'username', 'icon_url', 'icon_emoji');
    const message = build({ ...URL_ONLY, channel: 'sla-alerts', username: 'SLA bridge', icon_url: 'https://chat.example.com/sla.png', icon_emoji: ':alarm_clock:' });
    expect(message).to.include({ channel: 'sla-alerts', username: 'SLA bridge', icon_url: 'https://chat.example.com/sla.png', icon_emoji: ':alarm_clock:' });
  });

  it('keeps tracker text from mentioning everyone or adding links', () => {
    const message = build(URL_ONLY, { issue: { ...BASE.issue, title: '@channel see [this](https://evil.example) ~town-square' }, assignee: '@all' });
    const all = stringsIn(message.attachments.map((attachment) => attachment.fields)).concat(message.text).join('\n');
    expect(all).not.to.match(/@(channel|all)\b/);
    expect(all).not.to.include('[this](');
    expect(message.text).to.include('\\[this\\]');
  });

  it('refuses an icon over plain http and an empty channel', () => {
    expect(mattermostChannel.configSchema.safeParse({ ...URL_ONLY, icon_url: 'http://x.example/i.png' }).success).to.equal(false);
    expect(mattermostChannel.configSchema.safeParse({ ...URL_ONLY, channel: '' }).success).to.equal(false);
  });
});
