import { readFile } from 'node:fs/promises';
import { parseConfig } from '../config/config.js';
import { DEFAULT_ENGINE_SETTINGS } from '../decisionMemory/engine.js';
import { venueModules } from '../decisionMemory/modules/venueModules.js';
import { engineSubject, freshEngine } from '../replay/engineSubject.js';
import { createExecutionGate } from '../replay/executionGate.js';
import { type ReplayReport, runReplay, warmUp } from '../replay/harness.js';
import type { OperatorModel } from '../replay/operator.js';
import { parseStream } from '../replay/streams.js';
import { type CliCommand, UsageError, parseArgs, report } from './io.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function humanLines(path: string, r: ReplayReport): string[] {
  const lines = [
    `replay ${path} (${r.n} events, operator ${r.operator}${r.warm_n > 0 ? `, warm ${r.warm_n}` : ''})`,
    `  automation      ${pct(r.automation_rate)} (${r.executed} executed, ${r.wrong} wrong = ${pct(r.wrong_automation_rate)})`,
    `  unknowns        ${r.unknown_executed}/${r.unknown_n} executed = ${pct(r.unknown_executed_rate)}`,
    `  interventions   ${r.interventions} (saved ${pct(r.interventions_saved_rate)}; last half ${pct(r.halves[1]?.interventions_saved_rate ?? 0)})`,
    `  precision       ${pct(r.proposal_precision)} of ${r.proposals} proposals; repeat top-1 ${pct(r.repeat_top1)}, time saved ${pct(r.repeat_time_saved)}`,
    `  calibration     ECE ${r.ece.toFixed(4)}`,
    `  frontier        ${r.frontier.map((f) => `${pct(f.automationRate)} at ${pct(f.wrongRate)} wrong`).join(', ')} (one ideal threshold, in hindsight)`,
    `  quarters        ${r.quarters.map((q) => `${pct(q.automation_rate)}/${pct(q.wrong_automation_rate)}`).join('  ')}`,
    `  speed           ${r.events_per_s} events/s`,
  ];
  if (r.safety_violations !== undefined) {
    lines.push(
      `  venue           params ${pct(r.param_accuracy ?? 0)} (n ${r.param_accuracy_n}), safety violations ${r.safety_violations}, emergencies ${r.emergencies_surfaced_at_once}/${r.emergencies} surfaced at once`,
    );
  }
  return lines;
}

/**
 * `clubos replay STREAM.jsonl [--warm WARM.jsonl] [--operator absent|attentive] [--feedback-delay K] [--seed N] [--json]`
 * `--seed` replaces the engine's random seed (which remembered examples it rehearses): the same stream under
 * other seeds shows how much of a figure is the stream and how much the draw, and that safety holds for every draw.
 */
export const replay: CliCommand = async (args, io) => {
  try {
    const { positionals, flags, options } = parseArgs(args, { flags: ['json'], options: ['warm', 'operator', 'feedback-delay', 'seed'] });
    const path = positionals[0];
    if (path === undefined || positionals.length > 1) throw new UsageError('usage: clubos replay STREAM.jsonl [--warm WARM.jsonl] [--operator absent|attentive] [--feedback-delay K] [--seed N] [--json]');
    const operatorName = options.get('operator') ?? 'absent';
    if (operatorName !== 'absent' && operatorName !== 'attentive') throw new UsageError('--operator must be absent or attentive');
    const operator: OperatorModel = operatorName;
    const delay = Number(options.get('feedback-delay') ?? '0');
    if (!Number.isInteger(delay) || delay < 0) throw new UsageError('--feedback-delay must be a non-negative integer');
    const seedText = options.get('seed') ?? String(DEFAULT_ENGINE_SETTINGS.seed);
    if (!/^[0-9]{1,9}$/.test(seedText)) throw new UsageError('--seed must be a non-negative integer');
    const seed = Number(seedText);
    const stream = parseStream(await readFile(path, 'utf8'));
    const warmPath = options.get('warm');
    const warm = warmPath === undefined ? [] : parseStream(await readFile(warmPath, 'utf8'));
    // The tiers come from the configured thresholds, exactly as on the server.
    const { pattern, suggestErrorBudget, accessFamiliarity } = parseConfig(process.env);
    const policy = DEFAULT_ENGINE_SETTINGS.policy;
    const settings = {
      ...DEFAULT_ENGINE_SETTINGS,
      seed,
      policy: { ...policy, thresholds: pattern, suggestBudget: { ...policy.suggestBudget, rate: suggestErrorBudget }, accessFamiliarity },
    };
    const subject = engineSubject(freshEngine(venueModules(), settings));
    if (warm.length > 0) await warmUp(subject, warm, operator);
    // The server's pre-execution check is in the path: what it refuses runs nothing.
    const result = await runReplay(subject, stream, { operator, feedbackDelay: delay, wallClock: () => performance.now(), gate: createExecutionGate() }, warm.length);
    report(io, flags.has('json'), humanLines(path, result), result);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};
