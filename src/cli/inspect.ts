import { readFile } from 'node:fs/promises';
import { type CorpusRecord, inHoldout, parseCorpusLine, scoreCorpus } from '../security/inspector/corpus.js';
import { policyFor } from '../security/inspector/policy.js';
import { type CliCommand, parseArgs, report, UsageError } from './io.js';

const usage = 'usage: clubos inspect CORPUS.jsonl [--json] [--mode block|flag] [--split train|heldout [--seed N] [--fraction F]] [--show-misses N]';

/**
 * `clubos inspect CORPUS.jsonl [--json]`: runs the request inspector (the same detector and
 * default policy as the HTTP hook) over a labelled corpus, each payload placed at its `location`.
 * `--split` keeps only the seeded train or held-out part (for overfitting checks); `--mode flag`
 * runs a flag-only route policy (detections are counted the same way).
 */
export const inspect: CliCommand = async (args, io) => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args, { flags: ['json'], options: ['split', 'seed', 'fraction', 'show-misses', 'mode'] });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n${usage}`);
      return 2;
    }
    throw e;
  }
  const file = parsed.positionals[0];
  const split = parsed.options.get('split');
  const mode = parsed.options.get('mode') ?? 'block';
  if (file === undefined || (split !== undefined && split !== 'train' && split !== 'heldout') || (mode !== 'block' && mode !== 'flag')) {
    io.err(usage);
    return 2;
  }
  const seed = Number(parsed.options.get('seed') ?? '42');
  const fraction = Number(parsed.options.get('fraction') ?? '0.3');
  const showMisses = Number(parsed.options.get('show-misses') ?? '0');
  let records: CorpusRecord[];
  try {
    records = (await readFile(file, 'utf8'))
      .split('\n')
      .map(parseCorpusLine)
      .filter((r): r is CorpusRecord => r !== null);
  } catch (e) {
    io.err(`cannot read corpus ${file}: ${(e as Error).message}`);
    return 1;
  }
  if (split !== undefined) records = records.filter((r) => inHoldout(r.id, seed, fraction) === (split === 'heldout'));
  if (io.interactive) io.err(`inspecting ${records.length} payloads…`);
  const { summary, misses, falsePositives } = scoreCorpus(records, policyFor(mode), () => performance.now());
  const { attack, benign } = summary;
  const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
  const human = [
    `attacks detected: ${attack.detected}/${attack.n} (${pct(attack.rate)})`,
    ...Object.entries(attack.core_by_kind).map(([k, r]) => `  core ${k}: ${r.detected}/${r.n} (${pct(r.rate)})`),
    ...Object.entries(attack.by_tier).map(([k, r]) => `  tier ${k}: ${r.detected}/${r.n} (${pct(r.rate)})`),
    `benign flagged: ${benign.flagged}/${benign.n} (${pct(benign.rate)})`,
    ...Object.entries(benign.by_tier).map(([k, r]) => `  tier ${k}: ${r.flagged}/${r.n} (${pct(r.rate)})`),
    `  customer-style (original): ${benign.customer_style.flagged}/${benign.customer_style.n}`,
    `throughput: ${summary.payloads_per_s} payloads/s`,
  ];
  if (showMisses > 0 && !parsed.flags.has('json')) {
    human.push('missed attacks:');
    for (const m of misses.slice(0, showMisses)) human.push(`  ${m.record.id} ${m.record.tier} ${m.record.kind} ${m.record.location} | ${JSON.stringify(m.record.payload).slice(0, 200)}`);
    human.push('flagged benign:');
    for (const m of falsePositives.slice(0, showMisses))
      human.push(`  ${m.record.id} ${m.record.tier} ${m.record.location} ${m.verdict.findings.map((f) => f.rule).join(',')} | ${JSON.stringify(m.record.payload).slice(0, 200)}`);
  }
  report(io, parsed.flags.has('json'), human, summary);
  return 0;
};
