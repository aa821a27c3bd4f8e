import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAlerter } from '../../src/integrations/slack/slackWebhook.js';
import { Secret } from '../../src/integrations/secret.js';
import { ctx, within } from './context.js';
import type { FakeServer } from './fakes/fakeHttp.js';
import { closedPort } from './fakes/fakeHttp.js';
import { startFakeSlack } from './fakes/fakeSlack.js';

const HOOK = '/services/T0CLUB/B0OPS/s3cr3tW3bh00kT0k3n';
let slack: FakeServer;
beforeEach(async () => {
  slack = await startFakeSlack(HOOK);
});
afterEach(() => slack.close());

const alerter = (url = `${slack.url}${HOOK}`) => createSlackAlerter({ id: 'slack:ops', webhookUrl: new Secret(url) });
const alert = (ms = 2000) => ({ text: 'Bay 3 TrackMan reset failed at Dartmouth', idempotencyKey: 'al-1', deadline: within(ms) });

describe('Slack incoming webhook', () => {
  it('posts the text and blocks as JSON and succeeds on 200 ok', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Bay 3*' } }];
    const result = await alerter().alert({ ...alert(), blocks }, ctx());
    expect(result).toEqual({ outcome: 'succeeded', detail: 'alert posted to Slack' });
    expect(slack.requests).toHaveLength(1);
    expect(JSON.parse(slack.requests[0]!.body)).toEqual({ text: 'Bay 3 TrackMan reset failed at Dartmouth', blocks });
  });

  it('reports a revoked webhook and a rejected payload as failures with Slack error codes', async () => {
    slack.inject({ status: 404, body: 'no_service' }, { status: 400, body: 'invalid_payload' }, { status: 403, body: 'action_prohibited' });
    expect(await alerter().alert(alert(), ctx())).toEqual({ outcome: 'failed', reason: 'not_found', detail: 'Slack answered 404: no_service' });
    expect(await alerter().alert(alert(), ctx())).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    expect(await alerter().alert(alert(), ctx())).toMatchObject({ outcome: 'failed', reason: 'auth' });
  });

  it('classifies 5xx, 429 and an unexpected 200 body', async () => {
    slack.inject({ status: 500, body: 'x' }, { status: 429, body: 'rate_limited' }, { status: 200, body: '{"weird":true}' });
    expect(await alerter().alert(alert(), ctx())).toMatchObject({ outcome: 'failed', reason: 'server_error' });
    expect(await alerter().alert(alert(), ctx())).toMatchObject({ outcome: 'failed', reason: 'rate_limited' });
    expect(await alerter().alert(alert(), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'malformed_response' });
  });

  it('times out retryably when Slack never answers (a duplicate alert is harmless)', async () => {
    slack.inject('hang');
    expect(await alerter().alert(alert(200), ctx())).toMatchObject({ outcome: 'timed_out', reason: 'deadline' });
  });

  it('is unconfirmed when the connection drops after the request was sent', async () => {
    slack.inject('drop');
    expect(await alerter().alert(alert(), ctx())).toMatchObject({ outcome: 'unconfirmed', reason: 'connection_dropped' });
  });

  it('fails without ambiguity when nothing listens, and when the caller aborted before sending', async () => {
    const port = await closedPort();
    expect(await alerter(`http://127.0.0.1:${port}${HOOK}`).alert(alert(), ctx())).toMatchObject({ outcome: 'failed', reason: 'unreachable' });
    const abort = new AbortController();
    abort.abort();
    expect(await alerter().alert(alert(), ctx(abort.signal))).toMatchObject({ outcome: 'failed', reason: 'deadline' });
    expect(slack.requests).toHaveLength(0);
  });

  it('never puts the webhook URL (the credential) into a result', async () => {
    slack.inject({ status: 500, body: 's3cr3tW3bh00kT0k3n' }, 'drop');
    const results = [await alerter().alert(alert(), ctx()), await alerter().alert(alert(), ctx())];
    const port = await closedPort();
    results.push(await alerter(`http://127.0.0.1:${port}${HOOK}`).alert(alert(), ctx()));
    for (const r of results) expect(JSON.stringify(r)).not.toContain('s3cr3tW3bh00kT0k3n');
    expect(JSON.stringify({ url: new Secret('s3cr3tW3bh00kT0k3n') })).toBe('{"url":"[redacted]"}');
    expect(String(new Secret('s3cr3tW3bh00kT0k3n'))).toBe('[redacted]');
  });
});
