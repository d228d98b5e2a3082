/**
 * Hours card messages in every chat channel of the registry: the request is built, names the
 * customer, the balance (negative when overdrawn, never hidden), the level and the call with its
 * link, in the message's language; and the words themselves, worked out by hand.
 */
import { expect } from 'chai';
import { cardNotificationSchema, type CardNotification } from '../../connectors/chat/card-notification.js';
import { hoursText } from '../../connectors/chat/card-text.js';
import { isHttpPost, type ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import { configureChatChannel } from '../../connectors/chat/configured-channel.js';
import { messageText, plainText } from '../../connectors/chat/message-text.js';
import { chatChannels } from '../../connectors/chat/registry.js';
import { LONG_UNICODE_TITLE, SAMPLE_CONFIGS, stringsIn } from './samples.js';

const CARD: CardNotification = {
  subject: 'hours-card',
  id: 'card-0123456789abcdef0123456789abcdef',
  kind: 'warning',
  threshold: '5h',
  language: 'en',
  customer: '2Value SLA Basic customer',
  contract: '2value-basic',
  balanceSeconds: 4 * 3600 + 45 * 60,
  purchase: 'INV-2027-004',
  tracker: { kind: 'mantis', name: 'MantisBT', source: 'mantis-demo' },
  issue: { id: '42', key: '42', title: 'Overdracht nieuwe beheerder', url: 'https://mantis.example.com/view.php?id=42' },
  call: { rawSeconds: 65 * 60, billedSeconds: 75 * 60 },
  firedAt: Date.parse('2027-01-11T10:00:00Z'),
};

const SAMPLES: [name: string, notification: CardNotification, words: string[]][] = [
  ['English, above zero', CARD, ['Hours card down to 4h45m (level 5h)', 'INV-2027-004', '1h5m booked, 1h15m billed']],
  ['Dutch, overdrawn', { ...CARD, language: 'nl', threshold: '0h', balanceSeconds: -(90 * 60) }, ['Strippenkaart overschreden: -1u30m (grens 0u)', 'Saldo strippenkaart', '1u5m geboekt, 1u15m gefactureerd']],
  ['long unicode title, no link', { ...CARD, issue: { id: '43', key: '43', title: LONG_UNICODE_TITLE } }, ['Hours card down to 4h45m']],
];

describe('hours card chat messages', () => {
  it('hours as people write them, the sign kept', () => {
    const cases: [seconds: number, en: string, nl: string][] = [
      [0, '0h', '0u'],
      [15 * 60, '0h15m', '0u15m'],
      [5 * 3600, '5h', '5u'],
      [-(90 * 60), '-1h30m', '-1u30m'],
      [29, '0h', '0u'],
    ];
    for (const [seconds, en, nl] of cases) {
      expect(hoursText(seconds, 'en')).to.equal(en);
      expect(hoursText(seconds, 'nl')).to.equal(nl);
    }
  });

  it('the console text, line by line', () => {
    expect(plainText(messageText(CARD)).split('\n')).to.deep.equal([
      '⚠️ Hours card down to 4h45m (level 5h): 2Value SLA Basic customer',
      '  Customer:        2Value SLA Basic customer (contract 2value-basic)',
      '  Card balance:    4h45m',
      '  Latest purchase: INV-2027-004',
      '  Issue:           42 in MantisBT (mantis-demo) <https://mantis.example.com/view.php?id=42>',
      '  Title:           Overdracht nieuwe beheerder',
      '  Call:            1h5m booked, 1h15m billed',
    ]);
  });

  for (const [name, notification, words] of SAMPLES) {
    it(`${name}: a valid notification`, () => {
      expect(cardNotificationSchema.safeParse(notification).success).to.equal(true);
    });
    for (const kind of Object.keys(chatChannels) as ChatChannelKind[]) {
      it(`${name}: ${kind} says it all`, () => {
        const request = configureChatChannel(kind, SAMPLE_CONFIGS[kind]).buildRequest(notification);
        const text = isHttpPost(request) ? stringsIn(JSON.parse(request.body)).join('\n') : request.log;
        for (const word of [...words, notification.customer, notification.issue.key]) expect(text, word).to.include(word);
        if (notification.issue.url) expect(text).to.include(notification.issue.url);
      });
    }
  }
});
