/**
 * The words of a card message, in English and Dutch, laid out as the same MessageText every chat
 * channel renders. Hours are clock time: `4h45m`, `-1h30m`, never rounded away.
 */
import { DateTime } from 'luxon';
import type { Language } from '../../src/domain/language.js';
import type { CardNotification } from './card-notification.js';
import { cleanText } from './clean-text.js';
import { localizeDuration } from './time-text.js';
import type { MessageField, MessageText } from './message-shape.js';
import { VOCABULARY } from './vocabulary.js';

const NAME_MAX = 200;
const TITLE_MAX = 1000;

interface CardWords {
  readonly balance: string;
  readonly purchase: string;
  readonly call: string;
  readonly waiting: string;
  atLevel(balance: string, level: string): string;
  overdrawn(balance: string, level: string): string;
  approvalWaits(wait: string): string;
  booked(raw: string, billed: string): string;
  since(date: string): string;
}

const WORDS: Readonly<Record<Language, CardWords>> = {
  en: {
    balance: 'Card balance',
    purchase: 'Latest purchase',
    call: 'Call',
    waiting: 'Waiting since',
    atLevel: (balance, level) => `Hours card down to ${balance} (level ${level})`,
    overdrawn: (balance, level) => `Hours card overdrawn: ${balance} (level ${level})`,
    approvalWaits: (wait) => `Booked hours wait for the customer's approval for more than ${wait}`,
    booked: (raw, billed) => `${raw} booked, ${billed} billed`,
    since: (date) => date,
  },
  nl: {
    balance: 'Saldo strippenkaart',
    purchase: 'Laatste aankoop',
    call: 'Call',
    waiting: 'Wacht sinds',
    atLevel: (balance, level) => `Strippenkaart gedaald tot ${balance} (grens ${level})`,
    overdrawn: (balance, level) => `Strippenkaart overschreden: ${balance} (grens ${level})`,
    approvalWaits: (wait) => `Geboekte uren wachten langer dan ${wait} op akkoord van de klant`,
    booked: (raw, billed) => `${raw} geboekt, ${billed} gefactureerd`,
    since: (date) => date,
  },
};

/** Signed clock time in the language's unit letters: `-1u30m`, `0u`. */
export function hoursText(seconds: number, language: Language): string {
  const units = VOCABULARY[language].units;
  const sign = seconds < 0 ? '-' : '';
  const minutes = Math.round(Math.abs(seconds) / 60);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${sign}${hours}${units.h}${rest ? `${rest}${units.m}` : ''}`;
}

export function cardMessageText(notification: CardNotification): MessageText {
  const words = VOCABULARY[notification.language];
  const card = WORDS[notification.language];
  const key = cleanText(notification.issue.key, NAME_MAX);
  const customer = cleanText(notification.customer, NAME_MAX);
  const tracker = cleanText(notification.tracker.name ?? notification.tracker.kind, NAME_MAX);
  const title = cleanText(notification.issue.title, TITLE_MAX, words.noTitle);
  const balance = hoursText(notification.balanceSeconds, notification.language);
  const level = localizeDuration(cleanText(notification.threshold, NAME_MAX), words);
  const headline =
    notification.subject === 'hours-approval'
      ? card.approvalWaits(level)
      : notification.balanceSeconds < 0
        ? card.overdrawn(balance, level)
        : card.atLevel(balance, level);
  const link = notification.issue.url;
  const fields: MessageField[] = [
    { key: 'customer', label: words.label.customer, value: `${customer} (${words.contract} ${cleanText(notification.contract, NAME_MAX)})` },
    { key: 'balance', label: card.balance, value: balance },
    { key: 'purchase', label: card.purchase, value: cleanText(notification.purchase, NAME_MAX) },
    { key: 'issue', label: words.label.issue, value: words.issueIn(key, tracker, cleanText(notification.tracker.source, NAME_MAX)), ...(link ? { link } : {}) },
    { key: 'title', label: words.label.title, value: title },
    {
      key: 'call',
      label: card.call,
      value: card.booked(hoursText(notification.call.rawSeconds, notification.language), hoursText(notification.call.billedSeconds, notification.language)),
    },
    ...(notification.call.since !== undefined
      ? [{ key: 'waiting' as const, label: card.waiting, value: DateTime.fromMillis(notification.call.since, { zone: 'UTC' }).toISO({ suppressMilliseconds: true })! }]
      : []),
  ];
  return {
    language: notification.language,
    emoji: '⚠️',
    headline,
    summary: `⚠️ ${headline}: ${customer}`,
    issueKey: key,
    title,
    ...(link ? { link } : {}),
    linkLabel: words.openIssue(key, tracker),
    fields,
  };
}
