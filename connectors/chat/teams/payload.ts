/**
 * A Workflows message: one Adaptive Card attachment (Workflows take Adaptive Cards only, not the
 * old MessageCard). Version 1.4 renders in every current Teams client; the default flow template
 * posts `attachments[*].content` as is.
 */
import type { MessageText } from '../message-text.js';
import type { NotificationKind } from '../../../src/domain/timer-plan.js';
import { neutralizeCardMarkdown } from './card-text.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_VERSION = '1.4';

type TextBlock = {
  readonly type: 'TextBlock';
  readonly text: string;
  readonly wrap: true;
  readonly weight?: 'Bolder';
  readonly size?: 'Medium';
  readonly color?: 'Warning' | 'Attention';
};
type FactSet = { readonly type: 'FactSet'; readonly facts: readonly { readonly title: string; readonly value: string }[] };
type OpenUrl = { readonly type: 'Action.OpenUrl'; readonly title: string; readonly url: string };

export interface AdaptiveCard {
  readonly $schema: string;
  readonly type: 'AdaptiveCard';
  readonly version: string;
  readonly fallbackText: string;
  readonly msteams: { readonly width: 'Full' };
  readonly body: readonly (TextBlock | FactSet)[];
  readonly actions?: readonly OpenUrl[];
}

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly [{ readonly contentType: string; readonly contentUrl: null; readonly content: AdaptiveCard }];
}

export function teamsMessage(message: MessageText, kind: NotificationKind): TeamsMessage {
  const safe = neutralizeCardMarkdown;
  const body: (TextBlock | FactSet)[] = [
    {
      type: 'TextBlock',
      text: `${message.emoji} ${safe(message.headline)}`,
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      color: kind === 'warning' ? 'Warning' : 'Attention',
    },
    { type: 'TextBlock', text: safe(`${message.issueKey} ${message.title}`), wrap: true },
    ...(message.lateNote ? [{ type: 'TextBlock' as const, text: `⏱️ ${safe(message.lateNote)}`, wrap: true as const, weight: 'Bolder' as const, color: 'Attention' as const }] : []),
    {
      type: 'FactSet',
      facts: message.fields.filter((field) => field.key !== 'title').map((field) => ({ title: field.label, value: safe(field.value) })),
    },
  ];
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: safe(message.summary),
    msteams: { width: 'Full' },
    body,
    ...(message.link ? { actions: [{ type: 'Action.OpenUrl' as const, title: message.linkLabel, url: message.link }] } : {}),
  };
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }] };
}
