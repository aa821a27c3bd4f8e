import { readFile, writeFile } from 'node:fs/promises';
import { processIO } from '../cli/io.js';
import { type BaselineFile, baselineFrom, compareRatios } from './compare.js';
import type { BenchFigure } from './types.js';

/**
 * `npm run bench:compare -- BASELINE.json CURRENT.json`: exit 1 when a figure regressed beyond tolerance or
 * disappeared. `--write BASELINE.json CURRENT.json [--tolerance 0.5]` records a new baseline from a run.
 */
async function main(argv: readonly string[]): Promise<number> {
  const write = argv.includes('--write');
  const tolAt = argv.indexOf('--tolerance');
  const tolerance = tolAt >= 0 ? Number(argv[tolAt + 1]) : 0.5;
  const [baselinePath, currentPath] = argv.filter((a, i) => !a.startsWith('--') && (tolAt < 0 || i !== tolAt + 1));
  if (!baselinePath || !currentPath || !(tolerance > 0)) {
    processIO.err('usage: bench:compare BASELINE.json CURRENT.json | --write BASELINE.json CURRENT.json [--tolerance 0.5]');
    return 2;
  }
  const current = (JSON.parse(await readFile(currentPath, 'utf8')) as { figures: BenchFigure[] }).figures;
  if (write) {
    await writeFile(baselinePath, `${JSON.stringify(baselineFrom(current, tolerance), null, 2)}\n`);
    processIO.out(`wrote ${baselinePath} with ${current.length} figures, tolerance ${tolerance}`);
    return 0;
  }
  const baseline = JSON.parse(await readFile(baselinePath, 'utf8')) as BaselineFile;
  const verdicts = compareRatios(baseline, current);
  for (const v of verdicts) {
    if (!('current' in v)) processIO.out(`${v.kind.toUpperCase().padEnd(9)} ${v.id}`);
    else processIO.out(`${v.kind.toUpperCase().padEnd(9)} ${v.id.padEnd(44)} ratio ${fmt(v.current)} vs baseline ${fmt(v.baseline)} (${v.change >= 0 ? '+' : ''}${(v.change * 100).toFixed(0)} % worse; tolerance ${(v.tolerance * 100).toFixed(0)} %)`);
  }
  const bad = verdicts.filter((v) => v.kind === 'regressed' || v.kind === 'missing');
  processIO.out(bad.length === 0 ? `bench gate: PASS (${verdicts.length} figures)` : `bench gate: FAIL (${bad.map((v) => v.id).join(', ')})`);
  return bad.length === 0 ? 0 : 1;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench:compare failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
