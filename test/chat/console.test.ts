/** Console: the default channel, which logs the formatted text instead of sending anything. */
import { expect } from 'chai';
import { isHttpPost } from '../../connectors/chat/chat-channel.js';
import { consoleChannel } from '../../connectors/chat/console/index.js';
import { chatChannels, DEFAULT_CHAT_CHANNEL } from '../../connectors/chat/registry.js';
import { BASE } from './samples.js';

describe('console channel', () => {
  it('is the default when nothing is configured, and needs no settings', () => {
    expect(DEFAULT_CHAT_CHANNEL).to.equal('console');
    expect(chatChannels[DEFAULT_CHAT_CHANNEL]).to.equal(consoleChannel);
    expect(consoleChannel.configSchema.parse({})).to.deep.equal({});
    expect(consoleChannel.configSchema.safeParse({ url: 'https://x.example' }).success).to.equal(false);
  });

  it('returns the multi-line text to log, and no request', () => {
    const request = consoleChannel.buildRequest({}, { ...BASE, late: { byMs: 720_000 } });
    expect(isHttpPost(request)).to.equal(false);
    expect(request).to.deep.equal({
      log: [
        '⚠️ 75% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        '⏱️ sent 12m late: the bridge was down',
        '  Customer:      Mega Bite SLA customer (contract megabite-standard)',
        '  Issue:         MB-42 in Jira (jira-demo) <https://jira.example.com/browse/MB-42>',
        '  Title:         Checkout returns 502',
        '  Priority:      P1 (as set in the tracker)',
        '  SLA metric:    reaction time',
        '  Deadline:      Mon 30 Nov 2026 13:00 (Europe/Amsterdam)',
        '  Business time: 1h30m left',
        '  Assignee:      Jan de Vries',
      ].join('\n'),
    });
  });
});
