import { processIO } from '../cli/io.js';
import type { Bench, BenchFigure } from './types.js';

/** `npm run bench [-- --json] [-- --only name,name]`: every figure beside its in-run baseline and the ratio. */
const SUITES: Readonly<Record<string, () => Promise<Bench>>> = {
  identity: async () => (await import('./identity.js')).bench,
  decisionMemory: async () => (await import('./decisionMemory.js')).bench,
  engineSnapshot: async () => (await import('./engineSnapshot.js')).bench,
  audit: async () => (await import('./audit.js')).bench,
  inspector: async () => (await import('./inspector.js')).bench,
  defense: async () => (await import('./defense.js')).bench,
  metrics: async () => (await import('./metricSeries.js')).bench,
};

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',') : Object.keys(SUITES);
  const figures: BenchFigure[] = [];
  for (const name of only) {
    const load = SUITES[name];
    if (!load) {
      processIO.err(`unknown bench suite ${name}; suites: ${Object.keys(SUITES).join(', ')}`);
      return 2;
    }
    processIO.err(`bench ${name}…`);
    const started = Date.now();
    for (const f of await (await load())()) {
      figures.push(f);
      if (!json) processIO.out(`${f.id.padEnd(44)} ${fmt(f.value)} ${f.unit}  vs ${fmt(f.baseline.value)} (${f.baseline.label})  ratio ${f.ratio.toFixed(3)}${f.note ? `  — ${f.note}` : ''}`);
    }
    processIO.err(`bench ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (json) processIO.out(JSON.stringify({ figures }));
  return 0;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
