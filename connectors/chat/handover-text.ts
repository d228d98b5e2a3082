/**
 * The words of a duty handover, laid out as a MessageText so every channel renders it with the
 * code that renders SLA messages: the team stands where an issue would, the open issues, one a
 * line with the time to their breach, where its title would.
 */
import { DateTime } from 'luxon';
import { cleanText } from './clean-text.js';
import type { DutyHandoverNotice } from './handover-notice.js';
import type { MessageText } from './message-text.js';
import { shortDuration } from './time-text.js';
import { VOCABULARY } from './vocabulary.js';

const NAME_MAX = 200;
const TITLE_MAX = 80;

const WORDS = {
  en: {
    headline: (person: string, until: string) => `Duty handover: ${person} is on duty until ${until}`,
    team: 'Team',
    until: 'On duty until',
    open: 'Open issues',
    soonest: 'Soonest breach',
    none: 'No open issues.',
    more: (count: number) => `… and ${count} more`,
    breachIn: (time: string) => `breach in ${time}`,
    breachedAgo: (time: string) => `breached ${time} ago`,
    paused: 'paused',
  },
  nl: {
    headline: (person: string, until: string) => `Overdracht dienst: ${person} heeft dienst tot ${until}`,
    team: 'Team',
    until: 'Dienst tot',
    open: 'Open meldingen',
    soonest: 'Eerst aan de beurt',
    none: 'Geen open meldingen.',
    more: (count: number) => `… en nog ${count}`,
    breachIn: (time: string) => `overschrijding over ${time}`,
    breachedAgo: (time: string) => `${time} geleden overschreden`,
    paused: 'gepauzeerd',
  },
} as const;

export function handoverText(notice: DutyHandoverNotice): MessageText {
  const words = WORDS[notice.language];
  const vocabulary = VOCABULARY[notice.language];
  const until = DateTime.fromMillis(notice.until, { zone: notice.zone });
  const untilText = `${vocabulary.weekdays[until.weekday - 1]} ${until.day} ${vocabulary.months[until.month - 1]} ${until.toFormat('HH:mm')}`;
  const teamName = cleanText(notice.teamName, NAME_MAX);
  const headline = words.headline(cleanText(notice.personName, NAME_MAX), untilText);
  const lines = notice.issues.map((issue) => {
    const left = issue.deadline === null ? words.paused : issue.deadline >= notice.firedAt ? words.breachIn(shortDuration(issue.deadline - notice.firedAt, vocabulary)) : words.breachedAgo(shortDuration(notice.firedAt - issue.deadline, vocabulary));
    return `${cleanText(issue.key, NAME_MAX)} ${cleanText(issue.title, TITLE_MAX)} (${cleanText(issue.customer, NAME_MAX)}, ${vocabulary.metric[issue.metric]}): ${left}`;
  });
  if (notice.openCount > notice.issues.length) lines.push(words.more(notice.openCount - notice.issues.length));
  const emoji = '🔁';
  const listed = lines.length > 0 ? lines.join('\n') : words.none;
  return {
    language: notice.language,
    emoji,
    headline,
    summary: `${emoji} ${headline} (${teamName})`,
    issueKey: teamName,
    title: listed,
    linkLabel: teamName,
    fields: [
      { key: 'customer', label: words.team, value: teamName },
      // Channels show the title beside the team; the plain-text ones (console, webhook) only list fields.
      { key: 'title', label: words.soonest, value: listed },
      { key: 'deadline', label: words.until, value: `${untilText} (${notice.zone})` },
      { key: 'remaining', label: words.open, value: String(notice.openCount) },
    ],
  };
}
