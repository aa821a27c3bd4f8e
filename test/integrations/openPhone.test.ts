import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingReply } from '../../src/actions/ports.js';
import { createOpenPhoneSender } from '../../src/integrations/openPhone/sendSms.js';
import { memorySeenEvents, receiveOpenPhoneWebhook, signOpenPhoneWebhook, verifyOpenPhoneSignature } from '../../src/integrations/openPhone/webhook.js';
import { Secret } from '../../src/integrations/secret.js';
import { ctx, within } from './context.js';
import { closedPort, type FakeServer } from './fakes/fakeHttp.js';
import { messageReceived, openPhoneSignature, startFakeOpenPhone } from './fakes/fakeOpenPhone.js';

const API_KEY = 'opk_live_Zq8x1VENUEsecret';
const FROM = '+19025550100';
let phone: FakeServer;
beforeEach(async () => {
  phone = await startFakeOpenPhone(API_KEY, FROM);
});
afterEach(() => phone.close());

const sender = (key = API_KEY, baseUrl = phone.url) => createOpenPhoneSender({ id: 'openphone:Dartmouth', baseUrl, apiKey: new Secret(key), from: FROM });
const reply = (ms = 2000): OutgoingReply => ({
  location: 'Dartmouth',
  channel: 'sms',
  to: '+19025550123',
  text: 'We have restarted TrackMan in bay 3.',
  idempotencyKey: 'ex-1',
  deadline: within(ms),
});

describe('OpenPhone send SMS', () => {
  it('sends content, from and to with the raw API key and returns the message id', async () => {
    const result = await sender().send(reply(), ctx());
    expect(result).toEqual({ outcome: 'succeeded', detail: 'SMS queued by OpenPhone', vendorRef: 'AC000001' });
    const req = phone.requests[0]!;
    expect(req.headers.authorization).toBe(API_KEY);
    expect(JSON.parse(req.body)).toEqual({ content: 'We have restarted TrackMan in bay 3.', from: FROM, to: ['+19025550123'] });
  });

  it('fails on a wrong API key, a rejected number and a server error', async () => {
    expect(await sender('wrong-key').send(reply(), ctx())).toMatchObject({ outcome: 'failed', reason: 'auth' });
    expect(await sender().send({ ...reply(), to: 'not-a-number' }, ctx())).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    phone.inject({ status: 503, body: 'busy' });
    expect(await sender().send(reply(), ctx())).toMatchObject({ outcome: 'failed', reason: 'server_error' });
  });

  it('is unconfirmed (never retried) when the answer is unreadable, the connection drops or the deadline passes', async () => {
    phone.inject({ status: 202, body: '{"data":' }, 'drop', 'hang');
    expect(await sender().send(reply(), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'malformed_response' });
    expect(await sender().send(reply(), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'connection_dropped' });
    expect(await sender().send(reply(200), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'deadline' });
  });

  it('fails plainly when OpenPhone cannot be reached, and refuses web replies', async () => {
    expect(await sender(API_KEY, `http://127.0.0.1:${await closedPort()}`).send(reply(), ctx())).toMatchObject({
      outcome: 'failed',
      reason: 'unreachable',
    });
    expect(await sender().send({ ...reply(), channel: 'web' }, ctx())).toMatchObject({ outcome: 'failed', reason: 'not_configured' });
  });

  it('never puts the API key into a result', async () => {
    phone.inject({ status: 500, body: API_KEY }, 'drop');
    const results = [await sender().send(reply(), ctx()), await sender().send(reply(), ctx()), await sender('wrong').send(reply(), ctx())];
    for (const r of results) expect(JSON.stringify(r)).not.toContain(API_KEY);
  });
});

const KEY_B64 = Buffer.from('openphone-signing-key-for-tests!').toString('base64');
const signingKey = new Secret(KEY_B64);
const NOW = new Date('2026-03-01T02:14:02.000Z');

describe('OpenPhone webhook', () => {
  it('accepts a signed message.received and parses it for intake (v3 and v4 shapes)', async () => {
    for (const version of ['v3', 'v4'] as const) {
      const body = messageReceived(`EV-${version}`, 'trackman frozen bay 3', version);
      const verdict = await receiveOpenPhoneWebhook(openPhoneSignature(body, KEY_B64, NOW.getTime() - 1000), body, {
        signingKey,
        seen: memorySeenEvents(600_000),
        now: NOW,
      });
      expect(verdict).toEqual({
        status: 'accepted',
        sms: {
          eventId: `EV-${version}`,
          messageId: 'AC9f2c',
          from: '+19025550123',
          to: '+19025550100',
          text: 'trackman frozen bay 3',
          receivedAt: new Date('2026-03-01T02:14:00.000Z'),
          phoneNumberId: 'PN1',
          conversationId: 'CN1',
        },
      });
    }
  });

  it('rejects missing, malformed, forged and stale signatures', async () => {
    const body = messageReceived('EV1', 'hello');
    const opts = { signingKey, seen: memorySeenEvents(600_000), now: NOW };
    const wrongKey = Buffer.from('another-key-entirely-not-ours!!').toString('base64');
    expect(await receiveOpenPhoneWebhook(undefined, body, opts)).toEqual({ status: 'rejected', reason: 'missing' });
    expect(await receiveOpenPhoneWebhook('v1=abc', body, opts)).toEqual({ status: 'rejected', reason: 'malformed' });
    expect(await receiveOpenPhoneWebhook(openPhoneSignature(body, wrongKey, NOW.getTime()), body, opts)).toEqual({ status: 'rejected', reason: 'bad_signature' });
    expect(await receiveOpenPhoneWebhook(openPhoneSignature(body, KEY_B64, NOW.getTime() - 6 * 60_000), body, opts)).toEqual({
      status: 'rejected',
      reason: 'stale',
    });
  });

  it('treats a replayed delivery inside the tolerance as a duplicate', async () => {
    const body = messageReceived('EV7', 'door code not working');
    const header = openPhoneSignature(body, KEY_B64, NOW.getTime());
    const opts = { signingKey, seen: memorySeenEvents(600_000), now: NOW };
    expect((await receiveOpenPhoneWebhook(header, body, opts)).status).toBe('accepted');
    expect(await receiveOpenPhoneWebhook(header, body, opts)).toEqual({ status: 'duplicate', eventId: 'EV7' });
  });

  it('acknowledges other event types without parsing them as messages, and rejects a signed but malformed payload', async () => {
    const call = JSON.stringify({ id: 'EV9', type: 'call.completed', data: { object: {} } });
    const broken = JSON.stringify({ id: 'EV10', type: 'message.received', data: { object: { id: 'AC1' } } });
    const opts = { signingKey, seen: memorySeenEvents(600_000), now: NOW };
    expect(await receiveOpenPhoneWebhook(openPhoneSignature(call, KEY_B64, NOW.getTime()), call, opts)).toEqual({ status: 'ignored', eventType: 'call.completed' });
    expect(await receiveOpenPhoneWebhook(openPhoneSignature(broken, KEY_B64, NOW.getTime()), broken, opts)).toEqual({
      status: 'rejected',
      reason: 'malformed_payload',
    });
  });

  it('rejects signed deliveries that are not an event or carry no message object', async () => {
    const opts = { signingKey, seen: memorySeenEvents(600_000), now: NOW };
    for (const body of ['[]', '"message.received"', JSON.stringify({ id: '', type: 'message.received' }), JSON.stringify({ id: 'EV11', type: 'message.received', data: { object: 'AC1' } }), JSON.stringify({ id: 'EV12', type: 'message.received' })]) {
      expect(await receiveOpenPhoneWebhook(openPhoneSignature(body, KEY_B64, NOW.getTime()), body, opts), body).toEqual({ status: 'rejected', reason: 'malformed_payload' });
    }
  });

  it('forgets delivery ids after their time to live: the same id is new again', async () => {
    const seen = memorySeenEvents(60_000);
    expect(await seen.firstSeen('EV20', NOW)).toBe(true);
    expect(await seen.firstSeen('EV20', new Date(NOW.getTime() + 30_000))).toBe(false);
    expect(await seen.firstSeen('EV21', new Date(NOW.getTime() + 61_000))).toBe(true);
    expect(await seen.firstSeen('EV20', new Date(NOW.getTime() + 61_000))).toBe(true);
  });

  it('signs as OpenPhone does: what it signs verifies, fresh; too old is stale; another key is refused (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 299_000 }), (text, ageMs) => {
        const body = messageReceived('EVs', text);
        const at = new Date(NOW.getTime() - ageMs);
        const header = signOpenPhoneWebhook(body, signingKey, at);
        expect(header).toBe(openPhoneSignature(body, KEY_B64, at.getTime()));
        expect(verifyOpenPhoneSignature(header, body, signingKey, NOW, 300_000)).toBe('valid');
        expect(verifyOpenPhoneSignature(signOpenPhoneWebhook(body, signingKey, new Date(NOW.getTime() - 301_000 - ageMs)), body, signingKey, NOW, 300_000)).toBe('stale');
        expect(verifyOpenPhoneSignature(signOpenPhoneWebhook(body, new Secret(Buffer.alloc(32, 9).toString('base64')), at), body, signingKey, NOW, 300_000)).toBe('bad_signature');
      }),
    );
  });

  it('rejects any change to the signed body (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (text, extra) => {
        const body = messageReceived('EVp', text);
        const header = openPhoneSignature(body, KEY_B64, NOW.getTime());
        expect(verifyOpenPhoneSignature(header, body, signingKey, NOW, 300_000)).toBe('valid');
        expect(verifyOpenPhoneSignature(header, body + extra, signingKey, NOW, 300_000)).toBe('bad_signature');
      }),
    );
  });
});
