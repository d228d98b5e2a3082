/**
 * Whatever a tracker or a config file puts in a title, customer or assignee (control characters,
 * lone surrogates, markup, megabytes of emoji), every channel builds a request without throwing,
 * its body is JSON that survives the trip through UTF-8, and Slack's Block Kit limits hold.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { isHttpPost, type ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import { configureChatChannel } from '../../connectors/chat/configured-channel.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { LANGUAGES } from '../../src/domain/language.js';
import { NOTIFICATION_KINDS } from '../../src/domain/timer-plan.js';
import { chatChannels } from '../../connectors/chat/registry.js';
import { SLACK_LIMITS, type SlackMessage } from '../../connectors/chat/slack/payload.js';
import { BASE, SAMPLE_CONFIGS } from './samples.js';

const KINDS = Object.keys(chatChannels) as ChatChannelKind[];
const channels = KINDS.map((kind) => configureChatChannel(kind, SAMPLE_CONFIGS[kind]));

/** Any UTF-16, including lone surrogates and control characters, plus long unicode runs. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '|', '*', '_', '[', ']', '(', ')', '@', '`', '\\', '\n', '👩🏽‍💻', '🇳🇱', '\u202e', '\ud800'), maxLength: 500 }),
  fc.string({ unit: 'grapheme', minLength: 2000, maxLength: 6000 }),
);

const notifications = fc.record({
  title: anyText,
  customer: anyText,
  assignee: fc.option(anyText, { nil: null }),
  kind: fc.constantFrom(...NOTIFICATION_KINDS),
  language: fc.constantFrom(...LANGUAGES),
  remainingMs: fc.integer({ min: -1e10, max: 1e10 }),
  lateMs: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
}).map(({ title, customer, assignee, kind, language, remainingMs, lateMs }): SlaNotification => ({
  ...BASE,
  kind,
  threshold: kind === 'warning' ? '75%' : kind === 'breach' ? 'breach' : 'escalation 3',
  language,
  customer,
  assignee,
  remainingMs,
  issue: { ...BASE.issue, title },
  ...(lateMs === undefined ? {} : { late: { byMs: lateMs } }),
}));

describe('chat requests for arbitrary text (property)', function () {
  this.timeout(60_000);

  it('never throw and always carry parseable JSON that survives UTF-8', () => {
    fc.assert(
      fc.property(notifications, (notification) => {
        for (const channel of channels) {
          const request = channel.buildRequest(notification);
          if (!isHttpPost(request)) {
            expect(request.log).to.be.a('string');
            continue;
          }
          const parsed: unknown = JSON.parse(request.body);
          expect(JSON.parse(Buffer.from(request.body, 'utf8').toString('utf8')), channel.kind).to.deep.equal(parsed);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keep Slack within its Block Kit limits', () => {
    const slack = channels.find((channel) => channel.kind === 'slack')!;
    fc.assert(
      fc.property(notifications, (notification) => {
        const request = slack.buildRequest(notification);
        if (!isHttpPost(request)) throw new Error('slack must post');
        const message = JSON.parse(request.body) as SlackMessage;
        for (const block of message.blocks) {
          if (block.type === 'header') expect(block.text.text.length).to.be.at.most(SLACK_LIMITS.headerText);
          if (block.type === 'section' && 'text' in block) expect(block.text.text.length).to.be.at.most(SLACK_LIMITS.sectionText);
          if (block.type === 'section' && 'fields' in block) for (const field of block.fields) expect(field.text.length).to.be.at.most(SLACK_LIMITS.fieldText);
          if (block.type === 'context') for (const element of block.elements) expect(element.text.length).to.be.at.most(SLACK_LIMITS.contextText);
        }
      }),
      { numRuns: 150 },
    );
  });
});
