import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CallContext,
  type CommandResult,
  type DeviceAction,
  type DeviceCommand,
  type DeviceIntegration,
  isIdempotentAction,
} from '../../actions/ports.js';
import { type HttpAttempt, httpCall, isRecord, parseJson } from '../httpCall.js';
import { ambiguousTimeout, classifyAttempt, failed, statusFailure, succeeded } from '../outcome.js';
import { createNinjaOneTokenSource, type NinjaOneCredentials, type TokenSource } from './token.js';

/**
 * Bay PC actions through NinjaOne: run a saved script on the bay's device
 * (`POST /v2/device/{id}/script/run` with `{type: 'SCRIPT', id, parameters, runAs}`), then read the
 * device's ACTION activities newer than the last one seen before the run until the script's
 * activity reports SUCCESS or FAILURE, or the deadline passes.
 */
export interface NinjaOneScript {
  readonly id: number;
  /** The script's name as NinjaOne shows it in activities (`sourceName`). */
  readonly name: string;
  readonly parameters?: string;
  /** Default `system`. */
  readonly runAs?: string;
}

export interface NinjaOneConfig extends NinjaOneCredentials {
  /** Breaker and log id, e.g. `ninjaone:Dartmouth`. */
  readonly id: string;
  /** Bay number → NinjaOne device id of that bay's PC. */
  readonly bayDevices: Readonly<Record<string, number>>;
  readonly scripts: Partial<Readonly<Record<Extract<DeviceAction, 'reset_trackman' | 'reboot_bay_pc'>, NinjaOneScript>>>;
  /** Between activity polls; default 2 s. */
  readonly pollIntervalMs?: number;
}

type Activity = { id: number; sourceName: unknown; activityResult: unknown; activityType: unknown };

function activitiesOf(text: string): Activity[] | null {
  const json = parseJson(text);
  const list = isRecord(json) ? json.activities : undefined;
  if (!Array.isArray(list)) return null;
  return list.filter((a): a is Activity => isRecord(a) && typeof a.id === 'number');
}

export function createNinjaOneScripts(config: NinjaOneConfig, tokens: TokenSource = createNinjaOneTokenSource(config)): DeviceIntegration {
  const authed = async (
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    deadline: Date,
    ctx: CallContext,
  ): Promise<HttpAttempt | { kind: 'token_failed'; result: CommandResult }> => {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(deadline, ctx);
      if (!token.ok) return { kind: 'token_failed', result: failed(token.reason, token.detail) };
      const res = await httpCall(
        {
          method,
          url: `${config.baseUrl}${path}`,
          headers: { authorization: `Bearer ${token.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body }),
        },
        deadline,
        ctx,
      );
      // A 401 means the request was refused before anything ran: a fresh token may be retried once.
      if (res.kind === 'response' && res.status === 401 && attempt === 0) {
        tokens.invalidate();
        continue;
      }
      return res;
    }
  };

  return {
    id: config.id,
    async execute(command: DeviceCommand, ctx: CallContext): Promise<CommandResult> {
      const action = command.decision;
      const script = action === 'reset_trackman' || action === 'reboot_bay_pc' ? config.scripts[action] : undefined;
      if (script === undefined) return failed('not_configured', `no NinjaOne script for ${action}`);
      const device = command.params.bay === undefined ? undefined : config.bayDevices[String(command.params.bay)];
      if (device === undefined) return failed('not_configured', `no NinjaOne device for bay ${command.params.bay ?? '(none)'}`);
      const idempotent = isIdempotentAction(action);
      const activities = `/v2/device/${device}/activities?type=ACTION`;

      // The newest activity before the run: the script's own activity is the first newer one.
      const before = await authed('GET', `${activities}&pageSize=1`, undefined, command.deadline, ctx);
      if (before.kind === 'token_failed') return before.result;
      if (before.kind !== 'response' || before.status !== 200) {
        return classifyAttempt(before, true, 'NinjaOne', (status) => statusFailure(status, true, 'NinjaOne'));
      }
      const baseline = activitiesOf(before.text);
      if (baseline === null) return failed('malformed_response', 'NinjaOne activities answer without activities');
      const newerThan = baseline.reduce((max, a) => Math.max(max, a.id), 0);

      const body = JSON.stringify({ type: 'SCRIPT', id: script.id, parameters: script.parameters ?? '', runAs: script.runAs ?? 'system' });
      const run = await authed('POST', `/v2/device/${device}/script/run`, body, command.deadline, ctx);
      if (run.kind === 'token_failed') return run.result;
      if (run.kind !== 'response' || run.status < 200 || run.status > 299) {
        return classifyAttempt(run, idempotent, 'NinjaOne', (status) => statusFailure(status, idempotent, 'NinjaOne'));
      }

      for (;;) {
        const wait = Math.min(config.pollIntervalMs ?? 2000, command.deadline.getTime() - ctx.clock.now().getTime());
        if (wait <= 0 || ctx.signal.aborted) break;
        try {
          await sleep(wait, undefined, { signal: ctx.signal });
        } catch {
          break;
        }
        const poll = await authed('GET', `${activities}&newerThan=${newerThan}`, undefined, command.deadline, ctx);
        if (poll.kind !== 'response' || poll.status !== 200) continue;
        const mine = (activitiesOf(poll.text) ?? []).find(
          (a) => a.sourceName === script.name && typeof a.activityResult === 'string' && a.activityResult !== 'STARTED',
        );
        if (mine === undefined) continue;
        const ref = `activity:${mine.id}`;
        return mine.activityResult === 'SUCCESS'
          ? succeeded(`NinjaOne ran ${script.name} on device ${device}`, ref)
          : failed('rejected', `NinjaOne script ${script.name} ended ${String(mine.activityResult).slice(0, 40)}`, ref);
      }
      return ambiguousTimeout(idempotent, `NinjaOne started ${script.name} but reported no result before the deadline`);
    },
  };
}
