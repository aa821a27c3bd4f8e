import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type CookieJar, type ScanTarget, runScan } from './scanRunner.js';
import { type CorpusRecord, parseCorpusLine } from '../security/inspector/corpus.js';
import { Secret } from '../integrations/secret.js';
import { DEFAULT_PUBLIC_PATHS } from '../scan/openapi.js';
import { LEAK_REPORT_SCHEME, OPENPHONE_SCHEME } from '../scan/signedWebhooks.js';
import { DEFAULT_THRESHOLDS, type Thresholds, humanReport, thresholdFailures } from '../scan/score.js';
import { type CliCommand, parseArgs, report, UsageError } from './io.js';

const usage = `usage: clubos scan URL [--corpus FILE] [--json] [--key KEY --key-scopes s1,s2] [--login USER:PASSWORD]
       [--openphone-secret BASE64] [--leak-report-secret SECRET] [--concurrency N] [--encodings N] [--max-records N] [--allow-public /a,/b*] [--body-limit BYTES]
       [--min-block-rate R] [--min-kind-rate R] [--max-false-positive-rate R] [--max-open-routes N]
       [--max-leaks N] [--max-header-issues N] [--max-5xx N]
env: CLUBOS_SCAN_KEY, CLUBOS_SCAN_KEY_SCOPES, CLUBOS_SCAN_LOGIN, CLUBOS_SCAN_OPENPHONE_SECRET, CLUBOS_SCAN_LEAK_REPORT_SECRET
     stand in for --key, --key-scopes, --login, --openphone-secret (the OpenPhone webhook's signing key: the scan signs
     deliveries with it), --leak-report-secret (the server's LEAK_REPORT_SECRET: the scan signs leak reports with it)`;

/** The project's own corpus slice, beside the package in a checkout. */
const DEFAULT_CORPUS = fileURLToPath(new URL('../../test/fixtures/attacks/slice.jsonl', import.meta.url));

const OPTIONS = [
  'corpus',
  'key',
  'key-scopes',
  'login',
  'openphone-secret',
  'leak-report-secret',
  'concurrency',
  'encodings',
  'max-records',
  'allow-public',
  'body-limit',
  'timeout-ms',
  'min-block-rate',
  'min-kind-rate',
  'max-false-positive-rate',
  'max-open-routes',
  'max-leaks',
  'max-header-issues',
  'max-5xx',
] as const;

function numberOption(options: ReadonlyMap<string, string>, name: string, fallback: number, min: number, max: number): number {
  const raw = options.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}] (got "${raw}")`);
  return n;
}

/**
 * `clubos scan URL`: the vulnerability scanner against a running ClubOS (DESIGN.md). Exit 0 when every threshold
 * holds, 1 when one breaks, 2 on bad usage or an unreachable server.
 */
export const scan: CliCommand = async (args, io) => {
  try {
    return await scanCommand(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`clubos scan: ${e.message}\n${usage}`);
      return 2;
    }
    throw e;
  }
};

const scanCommand: CliCommand = async (args, io) => {
  const parsed = parseArgs(args, { flags: ['json'], options: OPTIONS });
  const { options, flags } = parsed;
  const base = parsed.positionals[0];
  if (base === undefined || !/^https?:\/\//.test(base)) {
    io.err(usage);
    return 2;
  }
  const thresholds: Thresholds = {
    minBlockRate: numberOption(options, 'min-block-rate', DEFAULT_THRESHOLDS.minBlockRate, 0, 1),
    minKindRate: numberOption(options, 'min-kind-rate', DEFAULT_THRESHOLDS.minKindRate, 0, 1),
    maxFalsePositiveRate: numberOption(options, 'max-false-positive-rate', DEFAULT_THRESHOLDS.maxFalsePositiveRate, 0, 1),
    maxOpenRoutes: numberOption(options, 'max-open-routes', DEFAULT_THRESHOLDS.maxOpenRoutes, 0, 1e6),
    maxLeaks: numberOption(options, 'max-leaks', DEFAULT_THRESHOLDS.maxLeaks, 0, 1e6),
    maxHeaderIssues: numberOption(options, 'max-header-issues', DEFAULT_THRESHOLDS.maxHeaderIssues, 0, 1e6),
    max5xx: numberOption(options, 'max-5xx', DEFAULT_THRESHOLDS.max5xx, 0, 1e6),
    maxInconclusiveRate: DEFAULT_THRESHOLDS.maxInconclusiveRate,
  };
  const login = options.get('login') ?? process.env.CLUBOS_SCAN_LOGIN;
  if (login !== undefined && !login.includes(':')) throw new UsageError('--login takes USER:PASSWORD');
  const keyScopes = options.get('key-scopes') ?? process.env.CLUBOS_SCAN_KEY_SCOPES;
  // An empty variable is no secret (a CI line that exports it unset).
  const openPhoneSecret = options.get('openphone-secret') ?? (process.env[OPENPHONE_SCHEME.env] || undefined);
  // The same form as the server's OPENPHONE_WEBHOOK_SECRET; the value is never echoed.
  if (openPhoneSecret !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(openPhoneSecret) || Buffer.from(openPhoneSecret, 'base64').length < 16)) {
    throw new UsageError('--openphone-secret takes the webhook signing key: base64 of at least 16 bytes');
  }
  // The same form as the server's LEAK_REPORT_SECRET: any text, blanks around it dropped as the server drops them;
  // the text itself (not a decoding of it) is the HMAC key. The value is never echoed.
  const leakReportSecret = (options.get('leak-report-secret') ?? (process.env[LEAK_REPORT_SCHEME.env] || undefined))?.trim();
  if (leakReportSecret === '') throw new UsageError("--leak-report-secret takes the leak-report signing secret (the server's LEAK_REPORT_SECRET): it is empty");
  const corpusFile = options.get('corpus') ?? DEFAULT_CORPUS;
  let records: CorpusRecord[];
  try {
    records = (await readFile(corpusFile, 'utf8'))
      .split('\n')
      .map(parseCorpusLine)
      .filter((r): r is CorpusRecord => r !== null);
  } catch (e) {
    io.err(`cannot read corpus ${corpusFile}: ${(e as Error).message}`);
    return 2;
  }
  const maxRecords = numberOption(options, 'max-records', records.length, 0, 1e7);
  if (maxRecords < records.length) records = everyNth(records, maxRecords);

  const target: ScanTarget = {
    base: base.replace(/\/+$/, ''),
    key: options.get('key') ?? process.env.CLUBOS_SCAN_KEY ?? null,
    keyScopes: keyScopes === undefined ? null : keyScopes.split(',').map((s) => s.trim()).filter(Boolean),
    login: login === undefined ? null : { username: login.slice(0, login.indexOf(':')), password: login.slice(login.indexOf(':') + 1) },
    signingSecrets: {
      ...(openPhoneSecret === undefined ? {} : { openphone: new Secret(openPhoneSecret) }),
      ...(leakReportSecret === undefined ? {} : { leak_report: new Secret(leakReportSecret) }),
    },
  };
  const jar: CookieJar = { cookie: null, csrf: null };
  const started = performance.now();
  const outcome = await runScan(target, records, jar, {
    concurrency: numberOption(options, 'concurrency', 8, 1, 256),
    extraEncodings: numberOption(options, 'encodings', 1, 0, 6),
    allowPublic: options.get('allow-public')?.split(',').map((s) => s.trim()).filter(Boolean) ?? DEFAULT_PUBLIC_PATHS,
    bodyLimitBytes: numberOption(options, 'body-limit', 1_048_576, 1, 1e9),
    timeoutMs: numberOption(options, 'timeout-ms', 15_000, 100, 600_000),
    progress: io.interactive ? (line) => io.err(line) : null,
  });
  if (outcome.kind === 'unreachable') {
    io.err(`clubos scan: ${outcome.reason}`);
    return 2;
  }
  const result = outcome.report;
  result.seconds = Math.round((performance.now() - started) / 100) / 10;
  const failures = thresholdFailures(result, thresholds);
  report(io, flags.has('json'), humanReport(result, failures), { ...result, thresholds, failures, ok: failures.length === 0 });
  return failures.length === 0 ? 0 : 1;
};

/** A deterministic, evenly spread sample of `n` records (keeps every kind represented in corpus order). */
function everyNth<T>(xs: readonly T[], n: number): T[] {
  if (n <= 0) return [];
  const step = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs[Math.floor(i * step)]!);
}
