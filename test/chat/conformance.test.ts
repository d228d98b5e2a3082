/**
 * One suite for every chat channel in the registry, over the sample table: the request is
 * well-formed, says what a manager needs (issue, link, customer, metric in the message's language,
 * lateness), and is really delivered: posted with axios to the configured URL, intercepted by nock
 * at the host, which must see exactly the bytes that were built. A new channel gets all of this by
 * adding a sample config.
 */
import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import { CHAT_CHANNEL_KINDS, isHttpPost, type ChatChannelKind, type HttpPost } from '../../connectors/chat/chat-channel.js';
import { configureChatChannel } from '../../connectors/chat/configured-channel.js';
import { slaNotificationSchema, type SlaNotification } from '../../connectors/chat/notification.js';
import { chatChannels } from '../../connectors/chat/registry.js';
import { SAMPLE_CONFIGS, SAMPLES, stringsIn } from './samples.js';
import { interceptHttp } from '../support/http-interception.js';

const KINDS = Object.keys(chatChannels) as ChatChannelKind[];

const METRIC_WORDS = {
  en: { reaction: 'reaction time', response: 'response time', resolution: 'resolution time' },
  nl: { reaction: 'reactietijd', response: 'responstijd', resolution: 'oplostijd' },
} as const;
const LATE_WORDS = { en: 'late: the bridge was down', nl: 'te laat verstuurd' } as const;

interface Delivery {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Posts the request as the notifier will and returns what arrived at the host. */
async function deliver(request: HttpPost): Promise<Delivery> {
  const target = new URL(request.url);
  const pathAndQuery = target.pathname + target.search;
  let seen: Delivery | undefined;
  const scope = nock(target.origin)
    .post((uri) => uri === pathAndQuery)
    .reply(200, 'ok');
  scope.on('request', (req: { path: string; headers: Delivery['headers'] }, _interceptor: unknown, body: string) => {
    seen = { path: req.path, headers: req.headers, body };
  });
  const response = await axios.post(request.url, Buffer.from(request.body, 'utf8'), {
    headers: { ...request.headers },
    // axios would re-serialize or trim a string body; the bytes must be the ones that were built.
    transformRequest: [(data: unknown) => data],
  });
  expect(response.status).to.equal(200);
  expect(scope.isDone(), 'nock saw the request').to.equal(true);
  return seen!;
}

function expectMentions(text: string, notification: SlaNotification): void {
  const other = notification.language === 'en' ? 'nl' : 'en';
  expect(text, 'issue key').to.include(notification.issue.key);
  if (notification.issue.url) expect(text, 'issue link').to.include(notification.issue.url);
  expect(text, 'customer').to.include(notification.customer);
  expect(text, 'metric in the message language').to.include(METRIC_WORDS[notification.language][notification.metric as keyof (typeof METRIC_WORDS)["en"]]);
  expect(text, 'no metric name in the other language').not.to.include(METRIC_WORDS[other][notification.metric as keyof (typeof METRIC_WORDS)["en"]]);
  if (notification.late) expect(text, 'late note').to.include(LATE_WORDS[notification.language]);
  else expect(text, 'no late note').not.to.include(LATE_WORDS[notification.language]);
}

describe('chat channel conformance', () => {
  interceptHttp({ cleanAfterEach: true });

  it('registers every channel kind, each under its own kind', () => {
    expect(KINDS).to.have.members([...CHAT_CHANNEL_KINDS]);
    for (const kind of KINDS) expect(chatChannels[kind].kind).to.equal(kind);
  });

  it('uses valid sample notifications', () => {
    for (const sample of SAMPLES) expect(slaNotificationSchema.safeParse(sample.notification).success, sample.name).to.equal(true);
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      it('accepts its sample config', () => {
        expect(chatChannels[kind].configSchema.safeParse(SAMPLE_CONFIGS[kind]).success).to.equal(true);
      });

      for (const { name, notification } of SAMPLES) {
        it(name, async () => {
          const request = configureChatChannel(kind, SAMPLE_CONFIGS[kind]).buildRequest(notification);
          if (!isHttpPost(request)) {
            expect(kind, 'only the console channel logs instead of posting').to.equal('console');
            expectMentions(request.log, notification);
            return;
          }
          expect(request.method).to.equal('POST');
          expect(new URL(request.url).protocol).to.equal('https:');
          const contentType = Object.entries(request.headers).find(([header]) => header.toLowerCase() === 'content-type')?.[1];
          expect(contentType).to.equal('application/json');
          const parsed: unknown = JSON.parse(request.body);
          expectMentions(stringsIn(parsed).join('\n'), notification);

          const delivered = await deliver(request);
          expect(delivered.body).to.equal(request.body);
          expect(Number(delivered.headers['content-length'])).to.equal(Buffer.byteLength(request.body, 'utf8'));
          for (const [header, value] of Object.entries(request.headers)) expect(delivered.headers[header.toLowerCase()], header).to.equal(value);
        });
      }
    });
  }
});
