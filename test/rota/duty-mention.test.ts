/**
 * One conformance table: each chat system's request, built by its own connector from a sample
 * notification, with the person on duty added, mentions them the way that system documents
 * (Slack `<@U…>`, Teams `<at>Name</at>` with the msteams mention entity, Mattermost `@user`,
 * Google Chat `<users/…>`); nobody on duty is said in words; the request stays valid JSON with
 * everything it had.
 */
import { expect } from 'chai';
import { isHttpPost, type ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import { configureChannel } from '../../connectors/chat/chat-channel.js';
import { withDutyLine, type DutyPerson } from '../../connectors/chat/duty-mention.js';
import { chatChannels } from '../../connectors/chat/registry.js';
import { BASE, SAMPLE_CONFIGS } from '../chat/samples.js';

const ANNA: DutyPerson = { name: 'Anna de Vries', slack: 'U02VALUE01', teams: { id: '29:2value-anna', name: 'Anna de Vries' }, mattermost: 'anna', googleChat: 'users/100000000000000000001' };
const NO_IDS: DutyPerson = { name: 'Bram <at>Jansen</at> <b>x</b> @here' };

type Json = Record<string, unknown>;

interface Row {
  readonly kind: ChatChannelKind;
  /** Where the mention must stand in the sent body, and how it is written. */
  readonly mention: (body: Json) => string[];
  readonly expected: string;
  readonly nobodyWhere: (body: Json) => string;
  /** What a name must not carry into this system's markup. */
  readonly forbidden: readonly string[];
}

const slackTexts = (body: Json) => [String(body.text), ...(body.blocks as Json[]).flatMap((block) => (block.text ? [String((block.text as Json).text)] : []))];
const teamsCard = (body: Json) => (body.attachments as Json[])[0]!.content as Json & { body: Json[]; msteams: Json };

const ROWS: Row[] = [
  { kind: 'slack', mention: slackTexts, expected: 'On duty: <@U02VALUE01>', nobodyWhere: (body) => String(body.text), forbidden: ['<at>', '<b>'] },
  { kind: 'teams', mention: (body) => teamsCard(body).body.map((block) => String(block.text ?? '')), expected: 'On duty: <at>Anna de Vries</at>', nobodyWhere: (body) => teamsCard(body).body.map((block) => String(block.text ?? '')).join('\n'), forbidden: ['<at>'] },
  { kind: 'mattermost', mention: (body) => [String(body.text)], expected: 'On duty: @anna', nobodyWhere: (body) => String(body.text), forbidden: ['@here', '<b>'] },
  { kind: 'google-chat', mention: (body) => [String(body.text)], expected: 'On duty: <users/100000000000000000001>', nobodyWhere: (body) => String(body.text), forbidden: ['<at>', '<b>'] },
];

function built(kind: ChatChannelKind) {
  return configureChannel(chatChannels[kind] as never, SAMPLE_CONFIGS[kind]).buildRequest(BASE);
}

describe('duty mentions per chat system', () => {
  for (const row of ROWS) {
    describe(row.kind, () => {
      it('mentions the person on duty in the text that notifies', () => {
        const before = built(row.kind);
        const after = withDutyLine(row.kind, before, { teamName: '2Value support desk', person: ANNA }, 'en');
        if (!isHttpPost(after) || !isHttpPost(before)) throw new Error('expected an HTTP request');
        const body = JSON.parse(after.body) as Json;
        expect(row.mention(body).some((text) => text.includes(row.expected)), JSON.stringify(row.mention(body))).to.equal(true);
        expect(after.url).to.equal(before.url);
        // Everything the message said is still there.
        const original = JSON.parse(before.body) as Json;
        for (const key of Object.keys(original)) expect(body).to.have.property(key);
      });

      it('says nobody is on duty in words, mentioning no one', () => {
        const after = withDutyLine(row.kind, built(row.kind), { teamName: '2Value support desk' }, 'nl');
        if (!isHttpPost(after)) throw new Error('expected an HTTP request');
        const text = row.nobodyWhere(JSON.parse(after.body) as Json);
        expect(text).to.include('Niemand van 2Value support desk heeft dienst');
        expect(text).to.not.match(/<@U|<at>|<users\//);
      });

      it('names a person without an identity in this system in plain, escaped words', () => {
        const after = withDutyLine(row.kind, built(row.kind), { teamName: 'desk', person: NO_IDS }, 'en');
        if (!isHttpPost(after)) throw new Error('expected an HTTP request');
        const texts = row.mention(JSON.parse(after.body) as Json).join('\n');
        expect(texts).to.include('On duty: ');
        // No markup of the name survives: it cannot page a channel or open a tag.
        for (const markup of row.forbidden) expect(texts).to.not.include(markup);
      });
    });
  }

  it('Teams carries the mention entity the <at> tag refers to', () => {
    const after = withDutyLine('teams', built('teams'), { teamName: 'desk', person: ANNA }, 'en');
    if (!isHttpPost(after)) throw new Error('expected an HTTP request');
    const card = teamsCard(JSON.parse(after.body) as Json);
    expect(card.msteams.entities).to.deep.equal([{ type: 'mention', text: '<at>Anna de Vries</at>', mentioned: { id: '29:2value-anna', name: 'Anna de Vries' } }]);
    expect(card.msteams.width).to.equal('Full');
  });

  it('the console names the person; the signed webhook body is left as built', () => {
    const logged = withDutyLine('console', built('console'), { teamName: 'desk', person: ANNA }, 'en');
    expect('log' in logged && logged.log).to.match(/On duty: Anna de Vries$/);
    const webhook = built('webhook');
    expect(withDutyLine('webhook', webhook, { teamName: 'desk', person: ANNA }, 'en')).to.equal(webhook);
  });
});

describe('the duty handover notice in every chat system', () => {
  const notice = (language: 'en' | 'nl') => ({
    id: 'handover-test',
    kind: 'duty_handover' as const,
    language,
    team: '2value-desk',
    teamName: '2Value support desk',
    personName: 'Bram Jansen',
    from: Date.parse('2026-01-07T12:00:00Z'),
    until: Date.parse('2026-01-12T08:00:00Z'),
    zone: 'Europe/Amsterdam',
    issues: [{ key: '2VALUE-812', title: 'Formulier verstuurt niet', customer: '2Value Pro', metric: 'reaction' as const, deadline: Date.parse('2026-01-07T13:30:00Z') }],
    openCount: 3,
    firedAt: Date.parse('2026-01-07T12:00:00Z'),
  });
  for (const kind of Object.keys(chatChannels) as ChatChannelKind[]) {
    for (const [language, headline] of [['en', 'Duty handover: Bram Jansen is on duty until Mon 12 Jan 09:00'], ['nl', 'Overdracht dienst: Bram Jansen heeft dienst tot ma 12 jan 09:00']] as const) {
      it(`${kind}, ${language}: says who takes over until when, and the open issues with their time to breach`, () => {
        const built = configureChannel(chatChannels[kind] as never, SAMPLE_CONFIGS[kind]).buildNoticeRequest(notice(language));
        const text = isHttpPost(built) ? built.body : built.log;
        expect(text).to.include(headline);
        expect(text.replace(/\\\\/g, '')).to.include(language === 'en' ? 'breach in 1h30m' : 'overschrijding over 1u30m');
        expect(text).to.include(language === 'en' ? '… and 2 more' : '… en nog 2');
      });
    }
  }
});
