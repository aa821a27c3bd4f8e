import type { CallContext, CommandResult, TeamAlert, TeamAlerter } from '../../actions/ports.js';
import { httpCall } from '../httpCall.js';
import { classifyAttempt, statusFailure, succeeded, unconfirmed } from '../outcome.js';
import type { Secret } from '../secret.js';

/**
 * Team alerts through a Slack incoming webhook: `POST <webhook URL>` with `{text, blocks?}`, answered
 * `200 ok`, or 400 `invalid_payload`, 403 `action_prohibited`, 404 `no_service`, 410
 * `channel_is_archived`… The URL itself is the credential, so it is a Secret and never appears in
 * a result.
 */
export interface SlackWebhookConfig {
  /** Breaker and log id, e.g. `slack:ops`. */
  readonly id: string;
  readonly webhookUrl: Secret;
}

// Slack's error bodies are short snake_case codes; anything else is not echoed.
const slackCode = (text: string): string => (/^[a-z_]{1,40}$/.test(text.trim()) ? `: ${text.trim()}` : '');

/** A duplicate alert is harmless, so an alert that timed out may be retried (`timed_out`). */
export function createSlackAlerter(config: SlackWebhookConfig): TeamAlerter {
  return {
    id: config.id,
    async alert(alert: TeamAlert, ctx: CallContext): Promise<CommandResult> {
      const body = JSON.stringify(alert.blocks === undefined ? { text: alert.text } : { text: alert.text, blocks: alert.blocks });
      const attempt = await httpCall(
        { method: 'POST', url: config.webhookUrl.reveal(), headers: { 'content-type': 'application/json' }, body },
        alert.deadline,
        ctx,
      );
      return classifyAttempt(attempt, true, 'Slack', (status, text) => {
        if (status === 200) {
          return text.trim() === 'ok' ? succeeded('alert posted to Slack') : unconfirmed('malformed_response', 'Slack answered 200 without ok');
        }
        const failure = statusFailure(status, true, 'Slack');
        return { ...failure, detail: failure.detail + slackCode(text) };
      });
    },
  };
}
