/**
 * Measures the intake helpers on a whole labelled venue stream (not a test: the stream lives outside
 * the repository). Run after compiling, e.g.
 *   npx tsc -p tsconfig.json --outDir /tmp/venue-out --noEmit false && \
 *   node /tmp/venue-out/test/intake/measureVenueStream.js ../shared/data/venue/venue.dev.jsonl [--json]
 */
import { readFileSync } from 'node:fs';
import { formatAgreement, measureVenueAgreement } from '../../src/intake/agreement.js';

const [path, flag] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: measureVenueStream FILE.jsonl [--json]\n');
  process.exit(2);
}
const started = performance.now();
const report = measureVenueAgreement(readFileSync(path, 'utf8').split('\n'));
const ms = performance.now() - started;
if (flag === '--json') process.stdout.write(`${JSON.stringify({ ...report, ms })}\n`);
else for (const line of [...formatAgreement(report), `took ${ms.toFixed(0)} ms`]) process.stdout.write(`${line}\n`);
