import { setTimeout as sleep } from 'node:timers/promises';
import type { CallContext, CommandResult, DeviceCommand, DeviceIntegration } from '../../actions/ports.js';
import { ambiguousTimeout, failed, succeeded } from '../outcome.js';
import { benqExchange } from './tcpExchange.js';

/**
 * `projector_power_on` on BenQ projectors over their LAN control port. Power-on is idempotent, so the
 * client sends `pow=on` and then trusts only the projector's own state: it queries `pow=?` until the
 * projector says `*POW=ON#` (re-sending `pow=on` while it says OFF), or the deadline passes.
 */
export interface BenqConfig {
  /** Breaker and log id, e.g. `benq:Dartmouth`. */
  readonly id: string;
  /** Bay number → the bay projector's address; port defaults to 8000. */
  readonly bayProjectors: Readonly<Record<string, { readonly host: string; readonly port?: number }>>;
  /** Between state queries while warming up; default 2 s. */
  readonly pollIntervalMs?: number;
  /** One command's wait for an answer, so a hung connection does not use the whole deadline; default 3 s. */
  readonly exchangeTimeoutMs?: number;
}

export function createBenqProjectors(config: BenqConfig): DeviceIntegration {
  return {
    id: config.id,
    async execute(command: DeviceCommand, ctx: CallContext): Promise<CommandResult> {
      if (command.decision !== 'projector_power_on') return failed('not_configured', `BenQ control cannot ${command.decision}`);
      const target = command.params.bay === undefined ? undefined : config.bayProjectors[String(command.params.bay)];
      if (target === undefined) return failed('not_configured', `no BenQ projector for bay ${command.params.bay ?? '(none)'}`);
      const exchange = (cmd: string) => {
        const limit = ctx.clock.now().getTime() + (config.exchangeTimeoutMs ?? 3000);
        return benqExchange(target.host, target.port ?? 8000, cmd, new Date(Math.min(limit, command.deadline.getTime())), ctx);
      };

      let reached = false;
      let needsPowerOn = true;
      for (;;) {
        if (needsPowerOn) {
          const on = await exchange('pow=on');
          if (on.kind === 'reply' && on.reply.kind === 'illegal') return failed('rejected', 'projector refused pow=on as an illegal format');
          if (on.kind !== 'not_sent') reached = true;
        }
        const state = await exchange('pow=?');
        if (state.kind !== 'not_sent') reached = true;
        if (state.kind === 'reply' && state.reply.kind === 'power' && state.reply.on) return succeeded(`projector of bay ${command.params.bay} is on`);
        needsPowerOn = state.kind === 'reply' && state.reply.kind === 'power';
        const wait = Math.min(config.pollIntervalMs ?? 2000, command.deadline.getTime() - ctx.clock.now().getTime());
        if (wait <= 0 || ctx.signal.aborted) break;
        try {
          await sleep(wait, undefined, { signal: ctx.signal });
        } catch {
          break;
        }
      }
      return reached
        ? ambiguousTimeout(true, `projector of bay ${command.params.bay} did not report power on before the deadline`)
        : failed('unreachable', `projector of bay ${command.params.bay} not reachable`);
    },
  };
}
