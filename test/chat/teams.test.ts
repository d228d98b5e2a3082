/** Teams (Workflows webhook): one Adaptive Card 1.4 attachment with TextBlocks, a FactSet and Action.OpenUrl. */
import { expect } from 'chai';
import { isHttpPost } from '../../connectors/chat/chat-channel.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { teamsChannel } from '../../connectors/chat/teams/index.js';
import type { AdaptiveCard, TeamsMessage } from '../../connectors/chat/teams/payload.js';
import { BASE, stringsIn } from './samples.js';

const config = teamsChannel.configSchema.parse({ url: 'https://prod-23.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x' });

function build(changes: Partial<SlaNotification> = {}): TeamsMessage {
  const request = teamsChannel.buildRequest(config, { ...BASE, ...changes });
  if (!isHttpPost(request)) throw new Error('teams must post');
  return JSON.parse(request.body) as TeamsMessage;
}
const cardOf = (message: TeamsMessage): AdaptiveCard => message.attachments[0].content;

/** The element and action types of Adaptive Card schema 1.4 that this card may use. */
const ELEMENTS_1_4 = new Set(['TextBlock', 'FactSet', 'ColumnSet', 'Container', 'Image', 'RichTextBlock', 'ActionSet']);

describe('teams channel', () => {
  it('posts a message with exactly one Adaptive Card attachment', () => {
    const message = build();
    expect(message.type).to.equal('message');
    expect(message.attachments).to.have.length(1);
    expect(message.attachments[0].contentType).to.equal('application/vnd.microsoft.card.adaptive');
    expect(message.attachments[0].contentUrl).to.equal(null);
  });

  it('uses card schema 1.4 with the required root fields', () => {
    const card = cardOf(build());
    expect(card).to.include({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
    expect(card.fallbackText).to.equal('⚠️ 75% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)');
    for (const element of card.body) expect(ELEMENTS_1_4, element.type).to.include(element.type);
    for (const element of card.body) if (element.type === 'TextBlock') expect(element.wrap).to.equal(true);
  });

  it('leads with the headline, then the issue, then the facts', () => {
    const card = cardOf(build({ language: 'nl', kind: 'breach', threshold: 'breach', remainingMs: -8_100_000 }));
    expect(card.body[0]).to.deep.equal({ type: 'TextBlock', text: '🚨 Reactietijd overschreden', wrap: true, weight: 'Bolder', size: 'Medium', color: 'Attention' });
    expect(card.body[1]).to.deep.equal({ type: 'TextBlock', text: 'MB-42 Checkout returns 502', wrap: true });
    const facts = card.body[2];
    expect(facts).to.have.property('type', 'FactSet');
    expect(facts).to.have.property('facts').that.deep.equals([
      { title: 'Klant', value: 'Mega Bite SLA customer (contract megabite-standard)' },
      { title: 'Melding', value: 'MB-42 in Jira (jira-demo)' },
      { title: 'Prioriteit', value: 'P1 (as set in the tracker)' },
      { title: 'SLA-norm', value: 'reactietijd' },
      { title: 'Uiterlijk', value: 'ma 30 nov 2026 13:00 (Europe/Amsterdam)' },
      { title: 'Werktijd', value: '2u15m te laat' },
      { title: 'Behandelaar', value: 'Jan de Vries' },
    ]);
  });

  it('colours a warning differently from a breach', () => {
    expect(cardOf(build()).body[0]).to.have.property('color', 'Warning');
    expect(cardOf(build({ kind: 'escalation', threshold: 'escalation 1' })).body[0]).to.have.property('color', 'Attention');
  });

  it('shows a late note under the issue', () => {
    expect(cardOf(build({ late: { byMs: 720_000 } })).body[2]).to.deep.include({ type: 'TextBlock', text: '⏱️ sent 12m late: the bridge was down', color: 'Attention' });
  });

  it('opens the issue with Action.OpenUrl, and has no action without a link', () => {
    expect(cardOf(build()).actions).to.deep.equal([{ type: 'Action.OpenUrl', title: 'Open MB-42 in Jira', url: 'https://jira.example.com/browse/MB-42' }]);
    expect(cardOf(build({ issue: { id: '1', key: '1', title: 'x' } }))).not.to.have.property('actions');
  });

  it('keeps a Markdown link in a title from becoming clickable', () => {
    const all = stringsIn(build({ issue: { ...BASE.issue, title: 'see [details](https://evil.example)' } })).join('\n');
    expect(all).not.to.include('](https://evil.example)');
    expect(all).to.include('[details]\u200b(https://evil.example)');
  });

  it('accepts both Workflows URL hosts but refuses plain http', () => {
    const hosts = ['https://prod-01.westeurope.logic.azure.com/workflows/a', 'https://default1.2.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/a'];
    for (const url of hosts) expect(teamsChannel.configSchema.safeParse({ url }).success, url).to.equal(true);
    expect(teamsChannel.configSchema.safeParse({ url: 'http://prod-01.westeurope.logic.azure.com/workflows/a' }).success).to.equal(false);
  });
});
