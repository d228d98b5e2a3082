/** What every chat message is made of, whatever the system: the text ./message-text.ts and ./card-text.ts build. */
import type { Language } from '../../src/domain/language.js';

export const FIELD_KEYS = ['customer', 'issue', 'title', 'priority', 'metric', 'deadline', 'remaining', 'assignee', 'reporter'] as const;
/** The fields of an hours card message (./card-text.ts) besides customer, issue and title. */
export const CARD_FIELD_KEYS = ['balance', 'purchase', 'call', 'waiting'] as const;
export type FieldKey = (typeof FIELD_KEYS)[number] | (typeof CARD_FIELD_KEYS)[number];

export interface MessageField {
  readonly key: FieldKey;
  readonly label: string;
  readonly value: string;
  readonly link?: string;
}

export interface MessageText {
  readonly language: Language;
  readonly emoji: string;
  /** `75% of the reaction time used`: what happened, without the issue. */
  readonly headline: string;
  /** `⚠️ 75% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)` */
  readonly summary: string;
  readonly issueKey: string;
  readonly title: string;
  readonly link?: string;
  /** `Open MB-42 in Jira`, for buttons. */
  readonly linkLabel: string;
  /** Set when the notification went out late: receivers must not mistake it for a fresh one. */
  readonly lateNote?: string;
  /** In display order, one per FIELD_KEYS entry; `reporter` only for an issue from an unlisted contact. */
  readonly fields: readonly MessageField[];
}
