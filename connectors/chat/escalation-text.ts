/** The words of a support line's escalation notice (./escalation-notice.ts), in its language. */
import { cleanText } from './clean-text.js';
import type { LineEscalationNotice } from './escalation-notice.js';
import type { MessageText } from './message-text.js';
import { deadlineText, remainingText } from './time-text.js';
import { VOCABULARY } from './vocabulary.js';

const NAME_MAX = 200;
const TITLE_MAX = 1000;
const SUMMARY_TITLE_MAX = 120;

const WORDS = {
  en: {
    breach: (from: string, to: string) => `Escalated to ${to}: ${from} did not react within its handover time`,
    fraction: (from: string, to: string, share: string) => `Escalated to ${to}: ${from} has used ${share} of its handover time`,
    before: (from: string, to: string, lead: string) => `Escalated to ${to}: ${lead} left of ${from}'s handover time`,
    lines: 'Support line',
    handover: 'handover',
    assignTo: 'Assigned to',
    toldOnly: (to: string) => `${to} is told; the issue stays where it is`,
    unassigned: 'unassigned',
    open: (key: string, tracker: string) => `Open ${key} in ${tracker}`,
  },
  nl: {
    breach: (from: string, to: string) => `Geëscaleerd naar ${to}: ${from} reageerde niet binnen de overdrachtstijd`,
    fraction: (from: string, to: string, share: string) => `Geëscaleerd naar ${to}: ${from} heeft ${share} van de overdrachtstijd gebruikt`,
    before: (from: string, to: string, lead: string) => `Geëscaleerd naar ${to}: nog ${lead} van de overdrachtstijd van ${from}`,
    lines: 'Supportlijn',
    handover: 'overdracht',
    assignTo: 'Toegewezen aan',
    toldOnly: (to: string) => `${to} is ingelicht; de melding blijft waar hij is`,
    unassigned: 'niet toegewezen',
    open: (key: string, tracker: string) => `Open ${key} in ${tracker}`,
  },
} as const;

export function escalationText(notice: LineEscalationNotice): MessageText {
  const words = WORDS[notice.language];
  const vocabulary = VOCABULARY[notice.language];
  const from = cleanText(notice.fromLine, NAME_MAX);
  const to = cleanText(notice.toLine, NAME_MAX);
  const after = cleanText(notice.after, NAME_MAX);
  const before = / before$/.exec(after);
  const headline = after === 'breach' ? words.breach(from, to) : before ? words.before(from, to, after.slice(0, before.index)) : words.fraction(from, to, after);
  const emoji = '🔺';
  const key = cleanText(notice.issue.key, NAME_MAX);
  const title = cleanText(notice.issue.title, TITLE_MAX);
  const customer = cleanText(notice.customer, NAME_MAX);
  const link = notice.issue.url ? { link: notice.issue.url } : {};
  const assignee = notice.assignee === null ? words.unassigned : cleanText(notice.assignee, NAME_MAX);
  return {
    language: notice.language,
    emoji,
    headline,
    summary: `${emoji} ${headline}: ${key} ${cleanText(notice.issue.title, SUMMARY_TITLE_MAX)} (${customer}, ${notice.priority})`,
    issueKey: key,
    title,
    ...link,
    linkLabel: words.open(key, cleanText(notice.issue.tracker, NAME_MAX)),
    fields: [
      { key: 'customer', label: vocabulary.label.customer, value: `${customer} (${vocabulary.contract} ${cleanText(notice.contract, NAME_MAX)})` },
      { key: 'issue', label: vocabulary.label.issue, value: key, ...link },
      { key: 'title', label: vocabulary.label.title, value: title || vocabulary.noTitle },
      { key: 'priority', label: vocabulary.label.priority, value: notice.priority },
      { key: 'metric', label: words.lines, value: `${from} → ${to} (${words.handover} ${after})` },
      { key: 'deadline', label: vocabulary.label.deadline, value: deadlineText(notice.deadline, notice.zone, vocabulary) },
      { key: 'remaining', label: vocabulary.label.remaining, value: remainingText(notice.remainingMs, vocabulary) },
      { key: 'assignee', label: vocabulary.label.assignee, value: notice.assignTo ? `${assignee} → ${cleanText(notice.assignTo, NAME_MAX)}` : `${assignee} (${words.toldOnly(to)})` },
    ],
  };
}
