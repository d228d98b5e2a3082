/**
 * The settings every webhook channel shares: an https URL unless `allow_http: true`, clear messages,
 * and never the URL itself in an error (it is a secret that ends up in logs).
 */
import { expect } from 'chai';
import type { ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import { configureChatChannel } from '../../connectors/chat/configured-channel.js';
import { chatChannels } from '../../connectors/chat/registry.js';
import { SAMPLE_CONFIGS } from './samples.js';

const WEBHOOK_KINDS = (Object.keys(chatChannels) as ChatChannelKind[]).filter((kind) => kind !== 'console');
const base = (kind: ChatChannelKind) => SAMPLE_CONFIGS[kind] as Record<string, unknown>;

describe('chat channel settings', () => {
  for (const kind of WEBHOOK_KINDS) {
    describe(kind, () => {
      const schema = chatChannels[kind].configSchema;

      it('refuses plain http, naming the url and the way out, without the URL', () => {
        const url = 'http://hooks.example.com/T0P-SECRET-PATH?token=T0P-SECRET-TOKEN';
        const result = schema.safeParse({ ...base(kind), url });
        expect(result.success).to.equal(false);
        const issue = result.error!.issues.find((candidate) => candidate.path[0] === 'url')!;
        expect(issue.message).to.include('https://').and.to.include('allow_http: true');
        expect(JSON.stringify(result.error!.issues)).not.to.include('T0P-SECRET');
      });

      it('accepts plain http when allow_http is true', () => {
        expect(schema.safeParse({ ...base(kind), url: 'http://relay.internal:8080/hook', allow_http: true }).success).to.equal(true);
      });

      it('refuses what is not an http(s) URL, with an example', () => {
        for (const url of ['hooks.slack.com/services/T/B/X', 'javascript:alert(1)', 'ftp://files.example.com/x', '']) {
          const result = schema.safeParse({ ...base(kind), url });
          expect(result.success, url).to.equal(false);
          expect(result.error!.issues[0]!.message, url).to.match(/^must be the webhook URL, e\.g\. https:\/\//);
        }
      });

      it('refuses a missing url and misspelt keys', () => {
        const { url: _url, ...withoutUrl } = base(kind);
        expect(schema.safeParse(withoutUrl).success).to.equal(false);
        expect(schema.safeParse({ ...base(kind), alow_http: true }).success).to.equal(false);
      });

      it('defaults allow_http to false', () => {
        expect(schema.parse(base(kind))).to.have.property('allow_http', false);
      });
    });
  }

  it('fails at configuration time, not at the first breach', () => {
    expect(() => configureChatChannel('slack', { url: 'http://hooks.slack.com/services/T/B/X' })).to.throw(/https/);
  });
});
