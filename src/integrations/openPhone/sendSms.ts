import type { CallContext, CommandResult, OutgoingReply, ReplySender } from '../../actions/ports.js';
import { httpCall, isRecord, parseJson } from '../httpCall.js';
import { classifyAttempt, failed, statusFailure, succeeded, unconfirmed } from '../outcome.js';
import type { Secret } from '../secret.js';

/**
 * SMS out through OpenPhone: `POST /v1/messages` with the raw API key in `Authorization` and
 * `{content, from, to: [number]}`; OpenPhone answers 202 with `{data: {id, status: 'queued', …}}`.
 */
export interface OpenPhoneConfig {
  /** Breaker and log id, e.g. `openphone:Dartmouth`. */
  readonly id: string;
  /** `https://api.openphone.com` unless testing. */
  readonly baseUrl: string;
  readonly apiKey: Secret;
  /** The location's OpenPhone number (E.164) or its phone-number id (`PN…`). */
  readonly from: string;
}

export const OPENPHONE_API = 'https://api.openphone.com';

/** An SMS is not idempotent: a send whose answer never came is `unconfirmed`, never retried. */
export function createOpenPhoneSender(config: OpenPhoneConfig): ReplySender {
  return {
    id: config.id,
    async send(reply: OutgoingReply, ctx: CallContext): Promise<CommandResult> {
      if (reply.channel !== 'sms') return failed('not_configured', `OpenPhone sends SMS only, not ${reply.channel} replies`);
      const attempt = await httpCall(
        {
          method: 'POST',
          url: `${config.baseUrl}/v1/messages`,
          headers: { authorization: config.apiKey.reveal(), 'content-type': 'application/json' },
          body: JSON.stringify({ content: reply.text, from: config.from, to: [reply.to] }),
        },
        reply.deadline,
        ctx,
      );
      return classifyAttempt(attempt, false, 'OpenPhone', (status, text) => {
        if (status < 200 || status > 299) return statusFailure(status, false, 'OpenPhone');
        const json = parseJson(text);
        const data = isRecord(json) && isRecord(json.data) ? json.data : undefined;
        if (data === undefined || typeof data.id !== 'string') {
          return unconfirmed('malformed_response', `OpenPhone answered ${status} without a message id`);
        }
        return succeeded(`SMS ${typeof data.status === 'string' ? data.status : 'accepted'} by OpenPhone`, data.id);
      });
    },
  };
}
