import type { CallContext, CommandResult, DeviceCommand, DeviceIntegration } from '../../actions/ports.js';
import type { FailureReason } from '../../actions/ports.js';
import { httpCall, isRecord, parseJson } from '../httpCall.js';
import { classifyAttempt, failed, statusFailure, succeeded, unconfirmed } from '../outcome.js';
import type { Secret } from '../secret.js';

/**
 * Remote door unlock through the UniFi Access developer API on the console (port 12445):
 * `PUT /api/v1/developer/doors/{id}/unlock` with a Bearer token. The console answers HTTP 200 with
 * `{code, msg, data}`; `code: "SUCCESS"` is the only success, every other code names the failure.
 */
export interface UnifiAccessConfig {
  /** Breaker and log id, e.g. `unifi:Dartmouth`. */
  readonly id: string;
  /** e.g. `https://10.20.0.2:12445`. */
  readonly baseUrl: string;
  readonly token: Secret;
  /** The console's self-signed certificate (PEM) to trust, when it is not publicly signed. */
  readonly ca?: string;
  /** The location's entrance door. */
  readonly doorId: string;
}

const CODE_REASONS: Readonly<Record<string, FailureReason>> = {
  CODE_AUTH_FAILED: 'auth',
  CODE_ACCESS_TOKEN_INVALID: 'auth',
  CODE_UNAUTHORIZED: 'auth',
  CODE_NOT_EXISTS: 'not_found',
  CODE_RESOURCE_NOT_FOUND: 'not_found',
  CODE_DEVICE_DEVICE_OFFLINE: 'device_offline',
  CODE_DEVICE_DEVICE_BUSY: 'rejected',
  CODE_PARAMS_INVALID: 'rejected',
  CODE_OPERATION_FORBIDDEN: 'rejected',
  CODE_SYSTEM_ERROR: 'server_error',
};

// Codes are upper-case identifiers; anything else the console sends is not echoed into results.
const safeCode = (code: unknown): string => (typeof code === 'string' && /^[A-Z_]{1,60}$/.test(code) ? code : 'an unknown code');

/** An unlock is not idempotent: an unanswered unlock is `unconfirmed` and goes to a human. */
export function createUnifiDoorUnlock(config: UnifiAccessConfig): DeviceIntegration {
  return {
    id: config.id,
    async execute(command: DeviceCommand, ctx: CallContext): Promise<CommandResult> {
      if (command.decision !== 'unlock_door') return failed('not_configured', `UniFi Access cannot ${command.decision}`);
      const attempt = await httpCall(
        {
          method: 'PUT',
          url: `${config.baseUrl}/api/v1/developer/doors/${encodeURIComponent(config.doorId)}/unlock`,
          headers: { authorization: `Bearer ${config.token.reveal()}`, 'content-type': 'application/json', accept: 'application/json' },
          // The actor shows in the console's door log; `extra` travels to its webhooks for reconciliation.
          body: JSON.stringify({
            actor_id: 'clubos',
            actor_name: 'ClubOS',
            extra: { execution: command.idempotencyKey, ...(command.params.bookingId === undefined ? {} : { booking: command.params.bookingId }) },
          }),
          ...(config.ca === undefined ? {} : { ca: config.ca }),
        },
        command.deadline,
        ctx,
      );
      return classifyAttempt(attempt, false, 'UniFi Access', (status, text) => {
        const json = parseJson(text);
        const code = isRecord(json) ? json.code : undefined;
        if (status === 200 && code === 'SUCCESS') return succeeded(`door ${config.doorId} unlocked`);
        if (typeof code === 'string' && code in CODE_REASONS) return failed(CODE_REASONS[code]!, `UniFi Access refused the unlock: ${code}`);
        if (status !== 200) return statusFailure(status, false, 'UniFi Access');
        return code === undefined
          ? unconfirmed('malformed_response', 'UniFi Access answered 200 without a code')
          : failed('rejected', `UniFi Access answered ${safeCode(code)}`);
      });
    },
  };
}
