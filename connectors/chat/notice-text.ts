/**
 * The words of a contract notice, laid out as a MessageText so that every channel renders it with
 * the code that renders SLA messages: the contract stands where an issue would, or the issue the
 * notice points to (the incident that is down, the obligation's own issue) with its link.
 */
import { DateTime } from 'luxon';
import { cleanText } from './clean-text.js';
import type { MessageField, MessageText } from './message-text.js';
import type { ChatNotice } from './notice.js';
import { deadlineText, remainingText, shortDuration } from './time-text.js';
import { VOCABULARY, type Vocabulary } from './vocabulary.js';
import { handoverText } from './handover-text.js';
import { escalationText } from './escalation-text.js';

const NAME_MAX = 200;
const TITLE_MAX = 1000;

const WORDS = {
  en: {
    ends: (contract: string, date: string) => `Contract ${contract} ends on ${date}: time to renew`,
    validUntil: 'Valid until',
    left: 'Term left',
    days: (days: number) => (days === 1 ? '1 day' : `${days} days`),
    budgetLeft: (percent: string, month: string) => `${percent} of the downtime budget left for ${month}`,
    budgetUsed: (month: string) => `Downtime budget for ${month} used up`,
    budget: 'Downtime budget',
    budgetValue: (left: string, total: string, target: string) => `${left} of ${total} left (uptime target ${target})`,
    budgetOver: (over: string, total: string, target: string) => `${over} over ${total} (uptime target ${target} missed)`,
    usedUpAt: 'Used up',
    incident: 'Incident',
    due: (title: string, lead: string) => `${title} due in ${lead}`,
    overdue: (title: string) => `${title} not done by its deadline`,
    deadline: 'Due',
    period: 'Period',
    open: (key: string, tracker: string) => `Open ${key} in ${tracker}`,
  },
  nl: {
    ends: (contract: string, date: string) => `Contract ${contract} loopt af op ${date}: tijd om te verlengen`,
    validUntil: 'Geldig tot en met',
    left: 'Resterende looptijd',
    days: (days: number) => (days === 1 ? '1 dag' : `${days} dagen`),
    budgetLeft: (percent: string, month: string) => `Nog ${percent} van het storingsbudget over voor ${month}`,
    budgetUsed: (month: string) => `Storingsbudget voor ${month} opgebruikt`,
    budget: 'Storingsbudget',
    budgetValue: (left: string, total: string, target: string) => `nog ${left} van ${total} (beschikbaarheid ${target})`,
    budgetOver: (over: string, total: string, target: string) => `${over} boven ${total} (beschikbaarheid ${target} niet gehaald)`,
    usedUpAt: 'Opgebruikt',
    incident: 'Storing',
    due: (title: string, lead: string) => `${title} uiterlijk over ${lead}`,
    overdue: (title: string) => `${title} niet op tijd gedaan`,
    deadline: 'Uiterlijk',
    period: 'Periode',
    open: (key: string, tracker: string) => `Open ${key} in ${tracker}`,
  },
} as const;

type Words = (typeof WORDS)[keyof typeof WORDS];

function dayText(isoDate: string, zone: string, vocabulary: Vocabulary): string {
  const day = DateTime.fromISO(isoDate, { zone });
  return `${vocabulary.weekdays[day.weekday - 1]} ${day.day} ${vocabulary.months[day.month - 1]} ${day.year}`;
}

/** `Nov 2026`, `nov 2026`. */
function monthText(month: string, zone: string, vocabulary: Vocabulary): string {
  const start = DateTime.fromISO(`${month}-01`, { zone });
  return `${vocabulary.months[start.month - 1]} ${start.year}`;
}

function customerField(notice: Exclude<ChatNotice, { kind: 'duty_handover' | 'line_escalation' }>, vocabulary: Vocabulary): MessageField {
  return { key: 'customer', label: vocabulary.label.customer, value: `${cleanText(notice.customer, NAME_MAX)} (${vocabulary.contract} ${cleanText(notice.contract, NAME_MAX)})` };
}

function termText(notice: Extract<ChatNotice, { kind: 'contract_term' }>, words: Words, vocabulary: Vocabulary): MessageText {
  const contract = cleanText(notice.contract, NAME_MAX);
  const date = dayText(notice.validUntil, notice.zone, vocabulary);
  const headline = words.ends(contract, date);
  const emoji = '📅';
  return {
    language: notice.language,
    emoji,
    headline,
    summary: `${emoji} ${headline} (${cleanText(notice.customer, NAME_MAX)})`,
    issueKey: contract,
    title: cleanText(notice.customer, NAME_MAX),
    linkLabel: contract,
    fields: [customerField(notice, vocabulary), { key: 'deadline', label: words.validUntil, value: `${date} (${notice.zone})` }, { key: 'remaining', label: words.left, value: words.days(notice.daysLeft) }],
  };
}

function budgetText(notice: Extract<ChatNotice, { kind: 'downtime_budget' }>, words: Words, vocabulary: Vocabulary): MessageText {
  const month = monthText(notice.month, notice.zone, vocabulary);
  const percent = `${Math.round(notice.share * 1000) / 10}%`;
  const headline = notice.share === 0 ? words.budgetUsed(month) : words.budgetLeft(percent, month);
  const emoji = notice.share === 0 ? '🚨' : '⚠️';
  const key = cleanText(notice.incident.key, NAME_MAX);
  const title = cleanText(notice.incident.title, TITLE_MAX);
  const total = shortDuration(notice.budgetMs, vocabulary);
  const target = `${notice.targetPercent}%`;
  const budget = notice.remainingMs >= 0 ? words.budgetValue(shortDuration(notice.remainingMs, vocabulary), total, target) : words.budgetOver(shortDuration(notice.remainingMs, vocabulary), total, target);
  return {
    language: notice.language,
    emoji,
    headline,
    summary: `${emoji} ${headline}: ${key} ${title} (${cleanText(notice.customer, NAME_MAX)})`,
    issueKey: key,
    title,
    ...(notice.incident.url ? { link: notice.incident.url } : {}),
    linkLabel: words.open(key, notice.incident.tracker),
    fields: [
      customerField(notice, vocabulary),
      { key: 'issue', label: words.incident, value: key, ...(notice.incident.url ? { link: notice.incident.url } : {}) },
      { key: 'title', label: vocabulary.label.title, value: title || vocabulary.noTitle },
      { key: 'remaining', label: words.budget, value: budget },
      { key: 'deadline', label: words.usedUpAt, value: deadlineText(notice.exhaustedAt, notice.zone, vocabulary) },
    ],
  };
}

function obligationText(notice: Extract<ChatNotice, { kind: 'obligation' }>, words: Words, vocabulary: Vocabulary): MessageText {
  const name = cleanText(notice.obligation.title, NAME_MAX);
  const overdue = notice.check === 'deadline';
  const headline = overdue ? words.overdue(name) : words.due(name, shortDuration(notice.remainingMs, vocabulary));
  const emoji = overdue ? '🚨' : '⚠️';
  const key = cleanText(notice.issue.key, NAME_MAX);
  const title = cleanText(notice.issue.title, TITLE_MAX);
  return {
    language: notice.language,
    emoji,
    headline,
    summary: `${emoji} ${headline}: ${key} ${title} (${cleanText(notice.customer, NAME_MAX)})`,
    issueKey: key,
    title,
    ...(notice.issue.url ? { link: notice.issue.url } : {}),
    linkLabel: words.open(key, notice.issue.tracker),
    fields: [
      customerField(notice, vocabulary),
      { key: 'issue', label: vocabulary.label.issue, value: key, ...(notice.issue.url ? { link: notice.issue.url } : {}) },
      { key: 'title', label: vocabulary.label.title, value: title || vocabulary.noTitle },
      { key: 'metric', label: words.period, value: cleanText(notice.period, NAME_MAX) },
      { key: 'deadline', label: words.deadline, value: deadlineText(notice.dueAt, notice.zone, vocabulary) },
      { key: 'remaining', label: vocabulary.label.remaining, value: remainingText(notice.remainingMs, vocabulary) },
    ],
  };
}

export function noticeText(notice: ChatNotice): MessageText {
  if (notice.kind === 'duty_handover') return handoverText(notice);
  if (notice.kind === 'line_escalation') return escalationText(notice);
  const words = WORDS[notice.language];
  const vocabulary = VOCABULARY[notice.language];
  switch (notice.kind) {
    case 'contract_term':
      return termText(notice, words, vocabulary);
    case 'downtime_budget':
      return budgetText(notice, words, vocabulary);
    case 'obligation':
      return obligationText(notice, words, vocabulary);
  }
}
