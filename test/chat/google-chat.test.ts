/** Google Chat: `text` plus a cardsV2 card, threaded per issue through the URL option and thread.threadKey. */
import { expect } from 'chai';
import { isHttpPost, type HttpPost } from '../../connectors/chat/chat-channel.js';
import { googleChatChannel } from '../../connectors/chat/google-chat/index.js';
import type { GoogleChatMessage } from '../../connectors/chat/google-chat/payload.js';
import { threadedUrl } from '../../connectors/chat/google-chat/thread.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { BASE } from './samples.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WEBHOOK = 'https://chat.googleapis.com/v1/spaces/AAAAbcd/messages?key=AIzaSy-k3y&token=a%2Fb%3D';
const config = googleChatChannel.configSchema.parse({ url: WEBHOOK });

function post(changes: Partial<SlaNotification> = {}): HttpPost {
  const request = googleChatChannel.buildRequest(config, { ...BASE, ...changes });
  if (!isHttpPost(request)) throw new Error('google chat must post');
  return request;
}
const build = (changes: Partial<SlaNotification> = {}) => JSON.parse(post(changes).body) as GoogleChatMessage;

describe('google chat channel', () => {
  it('asks to reply in the thread, keeping the key and token exactly as configured', () => {
    expect(post().url).to.match(new RegExp(`^${escapeRegExp(WEBHOOK)}&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=sla-bridge-[0-9a-f]{32}$`));
  });

  it('sends every attempt of one notification with one requestId, so Google creates the message once', () => {
    const requestIdOf = (request: HttpPost) => new URL(request.url).searchParams.get('requestId');
    const first = requestIdOf(post());
    // The same notification rendered again (a retry, a replay) carries the same id.
    expect(requestIdOf(post())).to.equal(first);
    expect(requestIdOf(post({ id: 'notify-other' }))).not.to.equal(first);
    // The same notification to another space's webhook is another request.
    const other = googleChatChannel.buildRequest(googleChatChannel.configSchema.parse({ url: WEBHOOK.replace('AAAAbcd', 'AAAAxyz') }), BASE);
    expect(isHttpPost(other) && requestIdOf(other)).to.match(/^sla-bridge-[0-9a-f]{32}$/).and.not.equal(first);
  });

  it('adds the option to a URL without a query, and leaves an option the config chose', () => {
    expect(threadedUrl('https://chat.example/v1/spaces/A/messages')).to.equal('https://chat.example/v1/spaces/A/messages?messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    const chosen = `${WEBHOOK}&messageReplyOption=REPLY_MESSAGE_OR_FAIL`;
    expect(threadedUrl(chosen)).to.equal(chosen);
  });

  it('threads every message about one issue together, and no other issue', () => {
    const first = build().thread.threadKey;
    expect(first).to.match(/^sla-bridge-[0-9a-f]{32}$/);
    // Another metric, kind and language, and the issue moved to a new key: same issue id, same thread.
    expect(build({ kind: 'breach', threshold: 'breach', metric: 'resolution', language: 'nl', issue: { ...BASE.issue, key: 'OPS-7' } }).thread.threadKey).to.equal(first);
    expect(build({ issue: { ...BASE.issue, id: '10043' } }).thread.threadKey).not.to.equal(first);
    expect(build({ tracker: { kind: 'jira', name: 'Jira', source: 'jira-other' } }).thread.threadKey).not.to.equal(first);
  });

  it('has the summary as text and one card with a header', () => {
    const message = build();
    expect(message.text).to.equal('⚠️ 75% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)');
    expect(message.cardsV2).to.have.length(1);
    expect(message.cardsV2[0].cardId).to.equal('sla-bridge-notification');
    expect(message.cardsV2[0].card.header).to.deep.equal({ title: '⚠️ 75% of the reaction time used', subtitle: 'MB-42 · Mega Bite SLA customer (contract megabite-standard)' });
  });

  it('shows the fields as decoratedText widgets and links the issue with a button', () => {
    const [issue, fields, button] = build({ language: 'nl' }).cardsV2[0].card.sections;
    expect(issue!.widgets).to.deep.equal([{ textParagraph: { text: '<b>MB-42</b> Checkout returns 502' } }]);
    expect(fields!.widgets).to.deep.include({ decoratedText: { topLabel: 'Uiterlijk', text: 'ma 30 nov 2026 13:00 (Europe/Amsterdam)', wrapText: true } });
    expect(fields!.widgets.map((widget) => ('decoratedText' in widget ? widget.decoratedText.topLabel : undefined))).to.deep.equal([
      'Klant', 'Melding', 'Prioriteit', 'SLA-norm', 'Uiterlijk', 'Werktijd', 'Behandelaar',
    ]);
    expect(button!.widgets).to.deep.equal([{ buttonList: { buttons: [{ text: 'MB-42 openen in Jira', onClick: { openLink: { url: 'https://jira.example.com/browse/MB-42' } } }] } }]);
  });

  it('has no button section without a link, and stays under 100 widgets', () => {
    const sections = build({ issue: { id: '9', key: '9', title: 'x' }, late: { byMs: 60_000 } }).cardsV2[0].card.sections;
    expect(sections).to.have.length(2);
    expect(sections.flatMap((section) => section.widgets).length).to.be.below(100);
  });

  it('puts a late note first on the card and in the text', () => {
    const message = build({ late: { byMs: 720_000 } });
    expect(message.cardsV2[0].card.sections[0]!.widgets[0]).to.deep.equal({ textParagraph: { text: '<b>⏱️ sent 12m late: the bridge was down</b>' } });
    expect(message.text.split('\n')[1]).to.equal('⏱️ sent 12m late: the bridge was down');
  });

  it('escapes card HTML and keeps tracker text from mentioning the whole space', () => {
    const message = build({ issue: { ...BASE.issue, title: '<users/all> <a href="https://evil.example">x</a> & co' } });
    expect(message.cardsV2[0].card.sections[0]!.widgets[0]).to.deep.equal({
      textParagraph: { text: '<b>MB-42</b> &lt;users/all&gt; &lt;a href="https://evil.example"&gt;x&lt;/a&gt; &amp; co' },
    });
    expect(message.text).not.to.include('<users/all>');
    expect(message.text).to.include('‹users/all›');
  });
});
