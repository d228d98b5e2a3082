/**
 * The words of one notification in its language: a one-line summary and labelled fields that every
 * chat channel lays out in its own format. Pure and deterministic: the same notification always
 * gives the same text, so a retried delivery is byte-for-byte the message that failed.
 */
import { cleanText } from './clean-text.js';
import { headlineText, KIND_EMOJI, thresholdLabel } from './headline-text.js';
import type { FieldKey, MessageField, MessageText } from './message-shape.js';
import { isCardNotification, type ChatNotification } from './card-notification.js';
import { cardMessageText } from './card-text.js';
import { shortDuration, deadlineText, remainingText } from './time-text.js';
import { VOCABULARY } from './vocabulary.js';

/**
 * Tracker titles are at most 255 characters (Jira, Gitea) or 128 (MantisBT), so these caps only
 * bite on malformed input; they keep every channel well inside its own size limits.
 */
const TITLE_MAX = 1000;
const SUMMARY_TITLE_MAX = 120;
const NAME_MAX = 200;
const REASON_MAX = 300;

export { CARD_FIELD_KEYS, FIELD_KEYS, type FieldKey, type MessageField, type MessageText } from './message-shape.js';

/** `P4 (clamped to P4: test environment)`; a reason that restates the priority is not repeated. */
function priorityText(priority: string, reason: string): string {
  const why = reason.startsWith(`${priority} `) ? reason.slice(priority.length + 1) : reason;
  return why ? `${priority} (${why})` : priority;
}

export function messageText(notification: ChatNotification): MessageText {
  if (isCardNotification(notification)) return cardMessageText(notification);
  const words = VOCABULARY[notification.language];
  const key = cleanText(notification.issue.key, NAME_MAX);
  const customer = cleanText(notification.customer, NAME_MAX);
  const tracker = cleanText(notification.tracker.name ?? notification.tracker.kind, NAME_MAX);
  const priority = notification.priority.effective;
  const reason = cleanText(notification.priority.reason, REASON_MAX, '');
  const title = cleanText(notification.issue.title, TITLE_MAX, words.noTitle);
  const headline = cleanText(headlineText(notification, words), NAME_MAX);
  const emoji = KIND_EMOJI[notification.kind];
  const link = notification.issue.url;

  const late = notification.late;
  const skipped = late?.skipped?.length ? late.skipped.map((label) => cleanText(thresholdLabel(label, words), NAME_MAX)).join(', ') : undefined;
  const lateNote = late ? words.late(shortDuration(late.byMs, words), late.cause ?? 'down') + (skipped ? `; ${words.alsoCovers(skipped)}` : '') : undefined;

  const fields: MessageField[] = [
    { key: 'customer', label: words.label.customer, value: `${customer} (${words.contract} ${cleanText(notification.contract, NAME_MAX)})` },
    {
      key: 'issue',
      label: words.label.issue,
      value: words.issueIn(key, tracker, cleanText(notification.tracker.source, NAME_MAX)),
      ...(link ? { link } : {}),
    },
    { key: 'title', label: words.label.title, value: title },
    { key: 'priority', label: words.label.priority, value: priorityText(priority, reason) },
    { key: 'metric', label: words.label.metric, value: words.metric[notification.metric] ?? notification.metric },
    { key: 'deadline', label: words.label.deadline, value: deadlineText(notification.deadline, notification.zone, words) },
    { key: 'remaining', label: words.label.remaining, value: remainingText(notification.remainingMs, words) },
    {
      key: 'assignee',
      label: words.label.assignee,
      value: notification.assignee === null ? words.unassigned : cleanText(notification.assignee, NAME_MAX, words.unassigned),
    },
    ...(notification.unlistedReporter
      ? [{ key: 'reporter' as const, label: words.label.reporter, value: words.unlistedContact(cleanText(notification.unlistedReporter, NAME_MAX)) }]
      : []),
  ];

  return {
    language: notification.language,
    emoji,
    headline,
    summary: `${emoji} ${headline}: ${key} ${cleanText(title, SUMMARY_TITLE_MAX)} (${customer}, ${priority})`,
    issueKey: key,
    title,
    ...(link ? { link } : {}),
    linkLabel: words.openIssue(key, tracker),
    ...(lateNote ? { lateNote } : {}),
    fields,
  };
}

/** The field with `key`; every SLA message has all of FIELD_KEYS, a card message customer, issue and title. */
export function fieldOf(text: MessageText, key: FieldKey): MessageField {
  return text.fields.find((field) => field.key === key)!;
}

/** The whole message as aligned plain-text lines, for logs and receivers that want text. */
export function plainText(text: MessageText): string {
  const width = Math.max(...text.fields.map((field) => field.label.length)) + 1;
  return [
    text.summary,
    ...(text.lateNote ? [`⏱️ ${text.lateNote}`] : []),
    ...text.fields.map((field) => `  ${`${field.label}:`.padEnd(width + 1)}${field.value}${field.link ? ` <${field.link}>` : ''}`),
  ].join('\n');
}
