/**
 * Incoming-webhook JSON: a Markdown `text` line and one Slack-style attachment whose colour bar says
 * how serious it is, with the fields as a table. `fallback` is required by Mattermost for
 * notifications and clients that cannot render attachments.
 */
import type { MessageText } from '../message-text.js';
import type { NotificationKind } from '../../../src/domain/timer-plan.js';
import type { MattermostConfig } from './config.js';
import { escapeMarkdown, markdownLink } from './markdown.js';

export const MATTERMOST_COLORS: Readonly<Record<NotificationKind, string>> = {
  warning: '#F2A900',
  breach: '#D0021B',
  escalation: '#7A0010',
};

/** Fields short enough to sit two per row. */
const SHORT_FIELDS = new Set(['priority', 'metric', 'remaining', 'assignee']);

export interface MattermostAttachment {
  readonly fallback: string;
  readonly color: string;
  readonly fields: readonly { readonly title: string; readonly value: string; readonly short: boolean }[];
}

export interface MattermostMessage {
  readonly text: string;
  readonly channel?: string;
  readonly username?: string;
  readonly icon_url?: string;
  readonly icon_emoji?: string;
  readonly attachments: readonly MattermostAttachment[];
}

export function mattermostMessage(config: MattermostConfig, message: MessageText, kind: NotificationKind): MattermostMessage {
  const key = message.link ? markdownLink(message.link, message.issueKey) : escapeMarkdown(message.issueKey);
  const lines = [
    `${message.emoji} **${escapeMarkdown(message.headline)}**: ${key} ${escapeMarkdown(message.title)}`,
    ...(message.lateNote ? [`⏱️ **${escapeMarkdown(message.lateNote)}**`] : []),
  ];
  return {
    text: lines.join('\n'),
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
    ...(config.icon_url ? { icon_url: config.icon_url } : {}),
    ...(config.icon_emoji ? { icon_emoji: config.icon_emoji } : {}),
    attachments: [
      {
        fallback: `${message.summary}${message.lateNote ? ` — ${message.lateNote}` : ''}`,
        color: MATTERMOST_COLORS[kind],
        fields: message.fields
          .filter((field) => field.key !== 'title')
          .map((field) => ({
            title: field.label,
            value: field.link ? markdownLink(field.link, field.value) : escapeMarkdown(field.value),
            short: SHORT_FIELDS.has(field.key),
          })),
      },
    ],
  };
}
