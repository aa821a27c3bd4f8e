import type {
  CallContext,
  CommandResult,
  DeviceIntegration,
  OutgoingReply,
  ReplySender,
  TeamAlert,
  TeamAlerter,
  VenueIntegrations,
} from '../../actions/ports.js';
import { failed, succeeded } from '../outcome.js';
import { advanceVenue, applyCommand, createVenueState, DEFAULT_RATES, type DeviceEventLine, type SimulatorRates, type VenueState } from './venueModel.js';

/**
 * The venue simulator behind the same ports as the real vendors, used by default so ClubOS runs
 * without any vendor account. It holds the model's state (the only mutable part) and advances it
 * to the caller's clock before every command, so device faults unfold with time. Messages and
 * alerts land in outboxes that can be read back.
 */
export interface SimulatorOptions {
  readonly locations: readonly { name: string; code: string; bays: number }[];
  readonly seed: number;
  readonly start: Date;
  readonly rates?: SimulatorRates;
}

export interface SentMessage {
  readonly at: Date;
  readonly location: string;
  readonly channel: OutgoingReply['channel'] | 'team';
  readonly to: string;
  readonly text: string;
  readonly idempotencyKey: string;
}

export interface SimulatedVenue {
  readonly integrations: VenueIntegrations;
  readonly devices: DeviceIntegration;
  readonly replies: ReplySender;
  readonly team: TeamAlerter;
  /** Advances the model to `now` and returns the device lines produced since the last call. */
  advance(now: Date): DeviceEventLine[];
  /** Everything "sent" so far, in order. */
  outbox(): readonly SentMessage[];
  state(): VenueState;
}

export function createSimulatedVenue(options: SimulatorOptions): SimulatedVenue {
  const rates = options.rates ?? DEFAULT_RATES;
  let state = createVenueState(options.locations, options.seed, options.start);
  let pending: DeviceEventLine[] = [];
  const sent: SentMessage[] = [];
  const known = (location: string) => state.locations[location] !== undefined;

  const catchUp = (now: Date) => {
    const next = advanceVenue(state, now, rates);
    state = next.state;
    pending = pending.concat(next.events);
  };
  const expired = (deadline: Date, ctx: CallContext): CommandResult | null =>
    ctx.signal.aborted || ctx.clock.now().getTime() > deadline.getTime() ? failed('deadline', 'deadline passed before the simulator ran the command') : null;

  const devices: DeviceIntegration = {
    id: 'simulator',
    async execute(command, ctx) {
      const late = expired(command.deadline, ctx);
      if (late !== null) return late;
      catchUp(ctx.clock.now());
      const next = applyCommand(state, command, rates);
      state = next.state;
      return next.result;
    },
  };

  const replies: ReplySender = {
    id: 'simulator:replies',
    async send(reply, ctx) {
      const late = expired(reply.deadline, ctx);
      if (late !== null) return late;
      if (!known(reply.location)) return failed('not_found', `no simulated location ${reply.location}`);
      sent.push({ at: ctx.clock.now(), location: reply.location, channel: reply.channel, to: reply.to, text: reply.text, idempotencyKey: reply.idempotencyKey });
      return succeeded(`simulated ${reply.channel} reply sent`, `sim:${reply.idempotencyKey}`);
    },
  };

  const team: TeamAlerter = {
    id: 'simulator:team',
    async alert(alert: TeamAlert, ctx) {
      const late = expired(alert.deadline, ctx);
      if (late !== null) return late;
      sent.push({ at: ctx.clock.now(), location: alert.location ?? '', channel: 'team', to: 'team', text: alert.text, idempotencyKey: alert.idempotencyKey });
      return succeeded('simulated team alert posted', `sim:${alert.idempotencyKey}`);
    },
  };

  return {
    devices,
    replies,
    team,
    integrations: {
      device: (_action, location) => (known(location) ? devices : undefined),
      replies: (location) => (known(location) ? replies : undefined),
      team: () => team,
    },
    advance(now) {
      catchUp(now);
      const out = pending;
      pending = [];
      return out;
    },
    outbox: () => sent.slice(),
    state: () => state,
  };
}
