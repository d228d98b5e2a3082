/** Generic webhook: the notification plus its text, signed over the exact body, with event and id headers. */
import { expect } from 'chai';
import { verifyHmacSha256 } from '../../connectors/shared/hmac.js';
import { isHttpPost, type HttpPost } from '../../connectors/chat/chat-channel.js';
import { messageText, plainText } from '../../connectors/chat/message-text.js';
import { slaNotificationSchema, type SlaNotification } from '../../connectors/chat/notification.js';
import { webhookChannel } from '../../connectors/chat/webhook/index.js';
import type { WebhookBody } from '../../connectors/chat/webhook/payload.js';
import { BASE } from './samples.js';

const SECRET = 'webhook-test-secret';
const URL_ = 'https://ops.example.com/hooks/sla';

function post(settings: Record<string, unknown> = { url: URL_, secret: SECRET }, changes: Partial<SlaNotification> = {}): HttpPost {
  const request = webhookChannel.buildRequest(webhookChannel.configSchema.parse(settings), { ...BASE, ...changes });
  if (!isHttpPost(request)) throw new Error('the webhook channel must post');
  return request;
}

const signatureOf = (request: HttpPost) => /^sha256=([0-9a-f]{64})$/.exec(request.headers['X-Sla-Bridge-Signature'] ?? '')?.[1];

describe('webhook channel', () => {
  it('signs the exact body: the signature verifies with the secret', () => {
    const request = post();
    const hex = signatureOf(request);
    expect(hex, 'sha256=<hex> header').to.be.a('string');
    expect(verifyHmacSha256([SECRET], Buffer.from(request.body, 'utf8'), hex, 'X-Sla-Bridge-Signature')).to.deep.equal({ ok: true });
  });

  it('fails verification with another secret or a changed body', () => {
    const request = post();
    const hex = signatureOf(request);
    expect(verifyHmacSha256(['another-secret'], Buffer.from(request.body, 'utf8'), hex, 'X-Sla-Bridge-Signature').ok).to.equal(false);
    const tampered = request.body.replace('"P1"', '"P4"');
    expect(tampered).not.to.equal(request.body);
    expect(verifyHmacSha256([SECRET], Buffer.from(tampered, 'utf8'), hex, 'X-Sla-Bridge-Signature').ok).to.equal(false);
  });

  it('names the event and the notification id in headers', () => {
    for (const kind of ['warning', 'breach', 'escalation'] as const) {
      const request = post(undefined, { kind, threshold: kind === 'warning' ? '75%' : kind === 'breach' ? 'breach' : 'escalation 1' });
      expect(request.headers).to.include({ 'X-Sla-Bridge-Event': kind, 'X-Sla-Bridge-Notification-Id': BASE.id, 'Content-Type': 'application/json' });
    }
  });

  it('carries the notification unchanged plus the rendered text', () => {
    const notification: SlaNotification = { ...BASE, language: 'nl', late: { byMs: 720_000 } };
    const body = JSON.parse(post(undefined, notification).body) as WebhookBody;
    expect(body.schema).to.equal('sla-bridge.notification/v1');
    expect(slaNotificationSchema.parse(body.notification)).to.deep.equal(notification);
    const text = messageText(notification);
    expect(body.message).to.deep.equal({ language: 'nl', summary: text.summary, lateNote: text.lateNote, fields: text.fields, text: plainText(text) });
  });

  it('never puts the secret in the request', () => {
    const request = post();
    expect(request.body).not.to.include(SECRET);
    expect(JSON.stringify(request.headers)).not.to.include(SECRET);
  });

  it('adds configured headers but refuses to override its own', () => {
    expect(post({ url: URL_, secret: SECRET, headers: { 'X-Api-Key': 'k1' } }).headers).to.include({ 'X-Api-Key': 'k1' });
    for (const name of ['X-Sla-Bridge-Signature', 'content-type', 'Host']) {
      const result = webhookChannel.configSchema.safeParse({ url: URL_, secret: SECRET, headers: { [name]: 'x' } });
      expect(result.success, name).to.equal(false);
      expect(result.error!.issues[0]!.path).to.deep.equal(['headers', name]);
    }
    expect(webhookChannel.configSchema.safeParse({ url: URL_, secret: SECRET, headers: { 'X-Bad': 'a\r\nInjected: 1' } }).success).to.equal(false);
  });

  it('sends unsigned only when the config says insecure', () => {
    const refused = webhookChannel.configSchema.safeParse({ url: URL_ });
    expect(refused.success).to.equal(false);
    expect(refused.error!.issues[0]!.path).to.deep.equal(['secret']);
    expect(refused.error!.issues[0]!.message).to.include('insecure: true');
    expect(post({ url: URL_, insecure: true }).headers).not.to.have.property('X-Sla-Bridge-Signature');
  });
});
