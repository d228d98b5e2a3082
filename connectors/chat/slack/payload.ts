/**
 * The Block Kit message: header, the issue line, the late note, a section of fields, a button to
 * the issue and a context line; `text` is the notification and screen-reader fallback. Limits are
 * Slack's documented ones; past them Slack rejects the whole message with `invalid_blocks`, so
 * long values are cut instead.
 */
import { truncate } from '../clean-text.js';
import { fieldOf, type MessageText } from '../message-text.js';
import type { ChatNotification } from '../card-notification.js';
import { escapeMrkdwn, mrkdwnLink } from './mrkdwn.js';

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  buttonText: 75,
  buttonUrl: 3000,
  contextText: 3000,
} as const;

const TEXT_MAX = 4000;

interface TextObject {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text: TextObject }
  | { readonly type: 'section'; readonly fields: readonly TextObject[] }
  | { readonly type: 'actions'; readonly elements: readonly SlackButton[] }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] };

export interface SlackButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: TextObject;
  readonly url: string;
  readonly style?: 'primary' | 'danger';
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });

function issueLine(message: MessageText): TextObject {
  const key = message.link ? mrkdwnLink(message.link, message.issueKey) : escapeMrkdwn(message.issueKey);
  const prefix = `*${key}* `;
  return mrkdwn(prefix + truncate(message.title, SLACK_LIMITS.sectionText - prefix.length, escapeMrkdwn));
}

function fieldsSection(message: MessageText): SlackBlock {
  const fields = message.fields
    .filter((field) => field.key !== 'title')
    .slice(0, SLACK_LIMITS.fields)
    .map((field) => {
      const label = `*${escapeMrkdwn(field.label)}*\n`;
      const budget = SLACK_LIMITS.fieldText - label.length;
      const value = field.link ? mrkdwnLink(field.link, field.value) : escapeMrkdwn(field.value);
      return mrkdwn(label + (value.length <= budget ? value : truncate(field.value, budget, escapeMrkdwn)));
    });
  return { type: 'section', fields };
}

function issueButton(message: MessageText, notification: Pick<ChatNotification, 'kind'>): SlackBlock[] {
  // A link Slack would reject must not cost the whole message; the issue key is still in the text.
  if (!message.link || message.link.length > SLACK_LIMITS.buttonUrl) return [];
  const button: SlackButton = {
    type: 'button',
    action_id: 'sla-bridge-open-issue',
    text: { type: 'plain_text', text: truncate(message.linkLabel, SLACK_LIMITS.buttonText), emoji: true },
    url: message.link,
    style: notification.kind === 'warning' ? 'primary' : 'danger',
  };
  return [{ type: 'actions', elements: [button] }];
}

export function slackMessage(message: MessageText, notification: Pick<ChatNotification, 'kind' | 'id'>): SlackMessage {
  const late = message.lateNote ? `⏱️ *${truncate(message.lateNote, SLACK_LIMITS.sectionText - 6, escapeMrkdwn)}*` : undefined;
  const customer = fieldOf(message, 'customer').value;
  return {
    text: truncate(message.summary + (message.lateNote ? ` — ${message.lateNote}` : ''), TEXT_MAX, escapeMrkdwn),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(`${message.emoji} ${message.headline}`, SLACK_LIMITS.headerText), emoji: true } },
      { type: 'section', text: issueLine(message) },
      ...(late ? [{ type: 'section' as const, text: mrkdwn(late) }] : []),
      fieldsSection(message),
      ...issueButton(message, notification),
      { type: 'context', elements: [mrkdwn(truncate(`sla-bridge · ${customer} · ${notification.id}`, SLACK_LIMITS.contextText, escapeMrkdwn))] },
    ],
  };
}
