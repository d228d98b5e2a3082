/** Slack: Block Kit structure, the fallback text, mrkdwn escaping and Slack's length limits. */
import { expect } from 'chai';
import { isHttpPost } from '../../connectors/chat/chat-channel.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { slackChannel } from '../../connectors/chat/slack/index.js';
import { SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../../connectors/chat/slack/payload.js';
import { BASE, LONG_UNICODE_TITLE, stringsIn } from './samples.js';

const config = slackChannel.configSchema.parse({ url: 'https://hooks.slack.com/services/T000/B000/XXXX' });

function build(changes: Partial<SlaNotification> = {}): SlackMessage {
  const request = slackChannel.buildRequest(config, { ...BASE, ...changes });
  if (!isHttpPost(request)) throw new Error('slack must post');
  return JSON.parse(request.body) as SlackMessage;
}

const blocksOf = <T extends SlackBlock['type']>(message: SlackMessage, type: T) =>
  message.blocks.filter((block): block is Extract<SlackBlock, { type: T }> => block.type === type);

describe('slack channel', () => {
  it('posts a header, the issue line, fields, a button and a context line', () => {
    const message = build();
    expect(message.blocks.map((block) => block.type)).to.deep.equal(['header', 'section', 'section', 'actions', 'context']);
    const [header] = blocksOf(message, 'header');
    expect(header!.text).to.deep.equal({ type: 'plain_text', text: '⚠️ 75% of the reaction time used', emoji: true });
    const [issue, fields] = blocksOf(message, 'section');
    expect(issue).to.deep.equal({ type: 'section', text: { type: 'mrkdwn', text: '*<https://jira.example.com/browse/MB-42|MB-42>* Checkout returns 502' } });
    expect(fields).to.have.property('fields').that.deep.includes({ type: 'mrkdwn', text: '*Deadline*\nMon 30 Nov 2026 13:00 (Europe/Amsterdam)' });
    expect(fields).to.have.property('fields').that.deep.includes({ type: 'mrkdwn', text: '*Issue*\n<https://jira.example.com/browse/MB-42|MB-42 in Jira (jira-demo)>' });
  });

  it('has the summary as fallback text for notifications', () => {
    expect(build().text).to.equal('⚠️ 75% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)');
    expect(build({ language: 'nl', kind: 'breach', threshold: 'breach', late: { byMs: 720_000 } }).text).to.equal(
      '🚨 Reactietijd overschreden: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1) — 12m te laat verstuurd: de bridge was uitgevallen',
    );
  });

  it('shows a late note as its own section after the issue line', () => {
    const sections = blocksOf(build({ late: { byMs: 720_000 } }), 'section');
    expect(sections[1]).to.deep.equal({ type: 'section', text: { type: 'mrkdwn', text: '⏱️ *sent 12m late: the bridge was down*' } });
  });

  it('links the button to the issue, red once breached', () => {
    const [warning] = blocksOf(build(), 'actions');
    expect(warning!.elements).to.deep.equal([
      { type: 'button', action_id: 'sla-bridge-open-issue', text: { type: 'plain_text', text: 'Open MB-42 in Jira', emoji: true }, url: 'https://jira.example.com/browse/MB-42', style: 'primary' },
    ]);
    const [breach] = blocksOf(build({ kind: 'breach', threshold: 'breach' }), 'actions');
    expect(breach!.elements[0]!.style).to.equal('danger');
  });

  it('has no button when the issue has no link', () => {
    const message = build({ issue: { id: '42', key: '42', title: 'No link' } });
    expect(blocksOf(message, 'actions')).to.deep.equal([]);
    expect(blocksOf(message, 'section')[0]!).to.deep.equal({ type: 'section', text: { type: 'mrkdwn', text: '*42* No link' } });
  });

  it('escapes mrkdwn so tracker text cannot page a channel or add a link', () => {
    const message = build({ issue: { ...BASE.issue, title: '<!channel> fix <https://evil.example|this> & that' }, customer: 'A&B <Corp>' });
    const all = stringsIn(message);
    expect(all.join('\n')).not.to.match(/<!channel>|<https:\/\/evil/);
    expect(blocksOf(message, 'section')[0]!).to.have.nested.property('text.text', '*<https://jira.example.com/browse/MB-42|MB-42>* &lt;!channel&gt; fix &lt;https://evil.example|this&gt; &amp; that');
    expect(message.text).to.include('(A&amp;B &lt;Corp&gt;, P1)');
  });

  it('cuts a long title so the section stays within 3000 characters, never inside an entity or emoji', () => {
    const title = `${'&'.repeat(700)}${LONG_UNICODE_TITLE}`;
    const message = build({ issue: { ...BASE.issue, title } });
    const text = (blocksOf(message, 'section')[0] as { text: { text: string } }).text.text;
    expect(text.length).to.be.at.most(SLACK_LIMITS.sectionText);
    expect(text.endsWith('…')).to.equal(true);
    expect(text).not.to.match(/&(?!amp;|lt;|gt;)/);
    expect(text).not.to.match(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('stays within every Block Kit limit for oversized values', () => {
    const long = '€'.repeat(5000);
    const message = build({ customer: long, assignee: long, contract: long, priority: { effective: 'P3', reason: long }, threshold: `${long} before`, issue: { ...BASE.issue, key: long } });
    const [header] = blocksOf(message, 'header');
    expect(header!.text.text.length).to.be.at.most(SLACK_LIMITS.headerText);
    for (const section of blocksOf(message, 'section')) {
      if ('fields' in section) {
        expect(section.fields.length).to.be.at.most(SLACK_LIMITS.fields);
        for (const field of section.fields) expect(field.text.length).to.be.at.most(SLACK_LIMITS.fieldText);
      } else expect(section.text.text.length).to.be.at.most(SLACK_LIMITS.sectionText);
    }
    for (const actions of blocksOf(message, 'actions')) for (const button of actions.elements) expect(button.text.text.length).to.be.at.most(SLACK_LIMITS.buttonText);
  });

  it('leaves out a button whose URL Slack would reject', () => {
    const url = `https://jira.example.com/browse/MB-42?${'q'.repeat(3000)}`;
    expect(blocksOf(build({ issue: { ...BASE.issue, url } }), 'actions')).to.deep.equal([]);
  });

  it('refuses plain http unless allowed, without echoing the secret URL', () => {
    const secretUrl = 'http://hooks.slack.com/services/T000/B000/SECRET';
    const refused = slackChannel.configSchema.safeParse({ url: secretUrl });
    expect(refused.success).to.equal(false);
    expect(refused.error!.issues[0]!.path).to.deep.equal(['url']);
    expect(refused.error!.issues[0]!.message).to.include('https://');
    expect(JSON.stringify(refused.error!.issues)).not.to.include('SECRET');
    expect(slackChannel.configSchema.safeParse({ url: secretUrl, allow_http: true }).success).to.equal(true);
  });

  it('refuses keys it does not know, such as a channel Slack would ignore', () => {
    expect(slackChannel.configSchema.safeParse({ url: 'https://hooks.slack.com/services/T/B/X', channel: '#ops' }).success).to.equal(false);
  });
});
