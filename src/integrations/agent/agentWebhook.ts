import { setTimeout as sleep } from 'node:timers/promises';
import { type CallContext, type CommandResult, type DeviceCommand, type DeviceIntegration, isIdempotentAction } from '../../actions/ports.js';
import { type HttpAttempt, httpCall, isRecord, parseJson } from '../httpCall.js';
import { classifyAttempt, failed, statusFailure, succeeded, unconfirmed } from '../outcome.js';
import type { Secret } from '../secret.js';
import { agentSignatureHeaders } from './signature.js';

/**
 * Device commands through a signed webhook to an on-site agent on the venue LAN (devices there are
 * not reachable from the cloud). `POST <base>/commands` with `{id, action, params, deadline}`; the
 * agent answers `{status: 'succeeded' | 'failed' | 'accepted', detail?, ref?}`. `accepted` means it
 * took the command and works on it: ClubOS polls `GET <base>/commands/<id>` until a final status or
 * the deadline, and an acceptance never confirmed is `unconfirmed`. The agent dedupes on `id` (the
 * execution's idempotency key), so a retried idempotent command never runs twice.
 */
export interface AgentWebhookConfig {
  /** Breaker and log id, e.g. `agent:Dartmouth`. */
  readonly id: string;
  readonly baseUrl: string;
  readonly secret: Secret;
  /** Between status polls after `accepted`; default 1 s. */
  readonly pollIntervalMs?: number;
}

type AgentAnswer = { status: 'succeeded' | 'failed' | 'accepted'; detail: string; ref: string | undefined };

// The agent's free text goes into results, so it is trimmed to a short single line.
const clip = (s: unknown): string => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim().slice(0, 200) : '');

function readAnswer(text: string): AgentAnswer | null {
  const json = parseJson(text);
  if (!isRecord(json)) return null;
  const status = json.status;
  if (status !== 'succeeded' && status !== 'failed' && status !== 'accepted') return null;
  return { status, detail: clip(json.detail), ref: typeof json.ref === 'string' ? json.ref.slice(0, 100) : undefined };
}

export function createAgentWebhook(config: AgentWebhookConfig): DeviceIntegration {
  const signed = (method: 'GET' | 'POST', path: string, body: string, ctx: CallContext) => ({
    method,
    url: `${config.baseUrl}${path}`,
    headers: { 'content-type': 'application/json', ...agentSignatureHeaders(config.secret, ctx.clock.now(), body) },
    ...(method === 'POST' ? { body } : {}),
  });

  const final = (a: AgentAnswer): CommandResult =>
    a.status === 'succeeded' ? succeeded(a.detail || 'agent reports success', a.ref) : failed('rejected', a.detail || 'agent reports failure', a.ref);

  async function poll(command: DeviceCommand, ref: string | undefined, ctx: CallContext): Promise<CommandResult> {
    const path = `/commands/${encodeURIComponent(command.idempotencyKey)}`;
    for (;;) {
      const wait = Math.min(config.pollIntervalMs ?? 1000, command.deadline.getTime() - ctx.clock.now().getTime());
      if (wait <= 0 || ctx.signal.aborted) break;
      try {
        await sleep(wait, undefined, { signal: ctx.signal });
      } catch {
        break;
      }
      const attempt: HttpAttempt = await httpCall(signed('GET', path, '', ctx), command.deadline, ctx);
      // A failed poll says nothing about the command: keep polling until the deadline.
      if (attempt.kind !== 'response' || attempt.status !== 200) continue;
      const answer = readAnswer(attempt.text);
      if (answer !== null && answer.status !== 'accepted') return final(answer);
    }
    return unconfirmed('deadline', 'agent accepted the command but did not confirm it before the deadline', ref);
  }

  return {
    id: config.id,
    async execute(command: DeviceCommand, ctx: CallContext): Promise<CommandResult> {
      const idempotent = isIdempotentAction(command.decision);
      const body = JSON.stringify({ id: command.idempotencyKey, action: command.decision, params: command.params, deadline: command.deadline.toISOString() });
      const attempt = await httpCall(signed('POST', '/commands', body, ctx), command.deadline, ctx);
      if (attempt.kind === 'response' && (attempt.status === 200 || attempt.status === 202)) {
        const answer = readAnswer(attempt.text);
        if (answer === null) return unconfirmed('malformed_response', `agent answered ${attempt.status} without a status`);
        return answer.status === 'accepted' ? poll(command, answer.ref, ctx) : final(answer);
      }
      return classifyAttempt(attempt, idempotent, 'agent', (status) => statusFailure(status, idempotent, 'agent'));
    },
  };
}
