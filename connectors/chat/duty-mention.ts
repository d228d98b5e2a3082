/**
 * Mentions of the person on duty, each chat system in its own way: Slack `<@U…>`, Teams
 * `<at>Name</at>` with its `mention` entity in the Adaptive Card's `msteams.entities`, Mattermost
 * `@username`, Google Chat `<users/…>`. A channel's finished request is given the line, so the
 * connectors lay out messages as before; the generic webhook (signed over its body) carries the
 * person in its own field only when it is built with it, and gets none here; the console names them.
 * A person with no identity in the channel's system is named in plain words.
 */
import type { Language } from '../../src/domain/language.js';
import type { ChatOutput } from './chat-channel.js';
import { isHttpPost } from './chat-channel.js';
import { escapeMrkdwn } from './slack/mrkdwn.js';
import { escapeMarkdown } from './mattermost/markdown.js';
import { escapeCardHtml, neutralizeChatText } from './google-chat/chat-markup.js';
import { neutralizeCardMarkdown } from './teams/card-text.js';

export interface DutyPerson {
  readonly name: string;
  readonly slack?: string;
  readonly teams?: { readonly id: string; readonly name: string };
  readonly mattermost?: string;
  readonly googleChat?: string;
}

/** Who is on duty for the message's team when it is sent; `person` absent: nobody. */
export interface DutyLine {
  readonly teamName: string;
  readonly person?: DutyPerson;
}

const WORDS = {
  en: { onDuty: 'On duty', nobody: (team: string) => `Nobody of ${team} is on duty` },
  nl: { onDuty: 'Dienst', nobody: (team: string) => `Niemand van ${team} heeft dienst` },
} as const;

/** Teams reads `<at>` only as a mention tag: a name must not open or close one itself. */
const atName = (name: string) => name.replace(/[<>]/g, '');

/** The mention as the chat system writes it, or undefined when the person has no identity there. */
export function mentionOf(kind: string, person: DutyPerson): string | undefined {
  switch (kind) {
    case 'slack':
      return person.slack && `<@${person.slack}>`;
    case 'teams':
      return person.teams && `<at>${atName(person.teams.name)}</at>`;
    case 'mattermost':
      return person.mattermost && `@${person.mattermost}`;
    case 'google-chat':
      return person.googleChat && `<${person.googleChat}>`;
    default:
      return undefined;
  }
}

/** The duty line in the system's markup: the mention, or the name escaped as tracker text is. */
export function dutyText(kind: string, line: DutyLine, language: Language): string {
  const words = WORDS[language];
  if (!line.person) return words.nobody(line.teamName);
  const mention = mentionOf(kind, line.person);
  const plain = (text: string) =>
    kind === 'slack' ? escapeMrkdwn(text) : kind === 'mattermost' ? escapeMarkdown(text) : kind === 'google-chat' ? neutralizeChatText(text) : kind === 'teams' ? neutralizeCardMarkdown(atName(text)) : text;
  return `${words.onDuty}: ${mention ?? plain(line.person.name)}`;
}

type Json = Record<string, unknown>;

function rewrite(output: ChatOutput, change: (body: Json) => void): ChatOutput {
  if (!isHttpPost(output)) return output;
  const body = JSON.parse(output.body) as Json;
  change(body);
  return { ...output, body: JSON.stringify(body) };
}

/** The channel's request with the duty line added: first in the notification text, and in the card. */
export function withDutyLine(kind: string, output: ChatOutput, line: DutyLine, language: Language): ChatOutput {
  const text = dutyText(kind, line, language);
  if (!isHttpPost(output)) return { log: `${output.log}\n  ${text}` };
  switch (kind) {
    case 'slack':
      return rewrite(output, (body) => {
        body.text = `${text} · ${String(body.text)}`;
        const blocks = body.blocks as Json[];
        blocks.splice(1, 0, { type: 'section', text: { type: 'mrkdwn', text } });
      });
    case 'teams':
      return rewrite(output, (body) => {
        const card = ((body.attachments as Json[])[0]!.content ?? {}) as Json & { body: Json[]; msteams?: Json };
        card.body.splice(1, 0, { type: 'TextBlock', text, wrap: true, weight: 'Bolder' });
        const person = line.person?.teams;
        if (person) card.msteams = { ...card.msteams, entities: [{ type: 'mention', text: `<at>${atName(person.name)}</at>`, mentioned: { id: person.id, name: person.name } }] };
      });
    case 'mattermost':
      return rewrite(output, (body) => {
        body.text = `${text}\n${String(body.text)}`;
      });
    case 'google-chat':
      return rewrite(output, (body) => {
        body.text = `${text}\n${String(body.text)}`;
        const sections = ((body.cardsV2 as Json[])?.[0]?.card as Json | undefined)?.sections as Json[] | undefined;
        // Cards show no mention; the card names the person, the text above it notifies them.
        sections?.[0] && (sections[0].widgets as Json[]).unshift({ textParagraph: { text: `<b>${escapeCardHtml(line.person ? `${WORDS[language].onDuty}: ${line.person.name}` : text)}</b>` } });
      });
    default:
      return output;
  }
}
