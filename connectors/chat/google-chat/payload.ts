/**
 * A webhook message: the summary as `text` (shown in notifications) and one cardsV2 card with a
 * header, the issue, the fields as decoratedText widgets and a button to the issue. Google ignores
 * widgets past 100 per card and rejects messages over 32,000 bytes; this card has about ten widgets
 * and capped values.
 */
import type { MessageText } from '../message-text.js';
import { escapeCardHtml, neutralizeChatText } from './chat-markup.js';

type Widget =
  | { readonly textParagraph: { readonly text: string } }
  | { readonly decoratedText: { readonly topLabel: string; readonly text: string; readonly wrapText: true } }
  | { readonly buttonList: { readonly buttons: readonly { readonly text: string; readonly onClick: { readonly openLink: { readonly url: string } } }[] } };

export interface GoogleChatMessage {
  readonly text: string;
  readonly thread: { readonly threadKey: string };
  readonly cardsV2: readonly [
    {
      readonly cardId: string;
      readonly card: {
        readonly header: { readonly title: string; readonly subtitle: string };
        readonly sections: readonly { readonly widgets: readonly Widget[] }[];
      };
    },
  ];
}

export const CARD_ID = 'sla-bridge-notification';

export function googleChatMessage(message: MessageText, threadKey: string): GoogleChatMessage {
  const customer = message.fields.find((field) => field.key === 'customer')!.value;
  const issueWidgets: Widget[] = [
    ...(message.lateNote ? [{ textParagraph: { text: `<b>⏱️ ${escapeCardHtml(message.lateNote)}</b>` } }] : []),
    { textParagraph: { text: `<b>${escapeCardHtml(message.issueKey)}</b> ${escapeCardHtml(message.title)}` } },
  ];
  const fieldWidgets: Widget[] = message.fields
    .filter((field) => field.key !== 'title')
    .map((field) => ({ decoratedText: { topLabel: field.label, text: escapeCardHtml(field.value), wrapText: true } }));
  const buttonWidgets: Widget[] = message.link
    ? [{ buttonList: { buttons: [{ text: message.linkLabel, onClick: { openLink: { url: message.link } } }] } }]
    : [];
  return {
    text: neutralizeChatText(message.summary + (message.lateNote ? `\n⏱️ ${message.lateNote}` : '')),
    thread: { threadKey },
    cardsV2: [
      {
        cardId: CARD_ID,
        card: {
          header: { title: `${message.emoji} ${message.headline}`, subtitle: `${message.issueKey} · ${customer}` },
          sections: [{ widgets: issueWidgets }, { widgets: fieldWidgets }, ...(buttonWidgets.length ? [{ widgets: buttonWidgets }] : [])],
        },
      },
    ],
  };
}
