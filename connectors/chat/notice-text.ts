/**
 * The words of a contract notice, laid out as a MessageText so that every channel renders it with
 * the code that renders SLA messages: the contract stands where an issue would.
 */
import { DateTime } from 'luxon';
import { cleanText } from './clean-text.js';
import type { MessageText } from './message-text.js';
import type { ChatNotice } from './notice.js';
import { VOCABULARY } from './vocabulary.js';
import { handoverText } from './handover-text.js';

const NAME_MAX = 200;

const WORDS = {
  en: {
    ends: (contract: string, date: string) => `Contract ${contract} ends on ${date}: time to renew`,
    validUntil: 'Valid until',
    left: 'Term left',
    days: (days: number) => (days === 1 ? '1 day' : `${days} days`),
  },
  nl: {
    ends: (contract: string, date: string) => `Contract ${contract} loopt af op ${date}: tijd om te verlengen`,
    validUntil: 'Geldig tot en met',
    left: 'Resterende looptijd',
    days: (days: number) => (days === 1 ? '1 dag' : `${days} dagen`),
  },
} as const;

export function noticeText(notice: ChatNotice): MessageText {
  if (notice.kind === 'duty_handover') return handoverText(notice);
  const words = WORDS[notice.language];
  const vocabulary = VOCABULARY[notice.language];
  const contract = cleanText(notice.contract, NAME_MAX);
  const customer = cleanText(notice.customer, NAME_MAX);
  const day = DateTime.fromISO(notice.validUntil, { zone: notice.zone });
  const date = `${vocabulary.weekdays[day.weekday - 1]} ${day.day} ${vocabulary.months[day.month - 1]} ${day.year}`;
  const headline = words.ends(contract, date);
  const emoji = '📅';
  return {
    language: notice.language,
    emoji,
    headline,
    summary: `${emoji} ${headline} (${customer})`,
    issueKey: contract,
    title: customer,
    linkLabel: contract,
    fields: [
      { key: 'customer', label: vocabulary.label.customer, value: `${customer} (${vocabulary.contract} ${contract})` },
      { key: 'deadline', label: words.validUntil, value: `${date} (${notice.zone})` },
      { key: 'remaining', label: words.left, value: words.days(notice.daysLeft) },
    ],
  };
}
