import { writeFileSync } from 'node:fs';
import type { AuditLog, CheckpointOutcome } from '../audit/auditLog.js';
import { CHECKPOINT_FORMAT, createEd25519Signer, type ExportedCheckpoint } from '../audit/checkpoint.js';
import type { AuditEntry } from '../audit/entry.js';
import type { ReportPeriod } from '../audit/report.js';
import { verifyCliJson } from '../audit/verify.js';
import type { Runtime } from '../main.js';
import { cliActor, withRuntime } from './runtime.js';
import { createAuditStore } from '../store/audit/auditStore.js';
import { type CliCommand, type CliIO, parseArgs, report, UsageError } from './io.js';

/**
 * `clubos audit verify|export|checkpoint|checkpoints`: the audit log from the shell, through the
 * same runtime the server builds, so every export made here is audited like one made over HTTP.
 */

const USAGE = `usage: clubos audit verify [--json]
       clubos audit export --from ISO --to ISO [--format json|csv] [--report] [--out FILE] [--json]
       clubos audit checkpoint [--json]
       clubos audit checkpoints --out FILE [--json]`;

/** File format of `clubos audit checkpoints --out`: what an outside party keeps to check the log later. */
export const CHECKPOINT_EXPORT_FORMAT = 'clubos.audit.checkpoints.v1';
export interface CheckpointExportFile {
  readonly format: typeof CHECKPOINT_EXPORT_FORMAT;
  readonly algorithm: 'Ed25519';
  /** Raw Ed25519 public key, base64: publish it out of band so the file need not be trusted for it. */
  readonly publicKey: string;
  readonly keyId: string;
  readonly exportedAt: string;
  readonly checkpoints: readonly ExportedCheckpoint[];
}

/** `clubos audit export` of entries as JSON. */
export const ENTRIES_EXPORT_FORMAT = 'clubos.audit.entries.v1';

export const audit: CliCommand = async (args, io) => {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'verify':
      return verify(rest, io);
    case 'export':
      return exportPeriod(rest, io);
    case 'checkpoint':
      return checkpoint(rest, io);
    case 'checkpoints':
      return exportCheckpoints(rest, io);
    default:
      throw new UsageError(USAGE);
  }
};

const verify: CliCommand = async (args, io) => {
  const { flags } = parseArgs(args, { flags: ['json'] });
  return withRuntime(async (runtime) => {
    const stopProgress = io.interactive ? await showProgress(runtime, io) : () => {};
    let status: Awaited<ReturnType<AuditLog['verify']>>;
    try {
      status = await runtime.audit.verify();
    } finally {
      stopProgress();
    }
    const human = status.ok
      ? [
          `verified up to ${status.verifiedThrough} (signed through ${status.signedThrough}) at ${status.at}`,
          `${status.entries} entries from seq ${status.fromSeq}, ${status.checkpoints} signed checkpoints`,
        ]
      : [
          `audit chain FAILED verification at seq ${status.firstBadSeq}: ${status.reason}`,
          `entries before it verified (through ${status.verifiedThrough}); checked at ${status.at}`,
        ];
    const json = status.ok
      ? { ...verifyCliJson(status), entries: status.entries, checkpoints: status.checkpoints, at: status.at }
      : { ...verifyCliJson(status), at: status.at };
    report(io, flags.has('json'), human, json);
    return status.ok ? 0 : 1;
  });
};

/**
 * Progress for a terminal: the range about to be checked, then the elapsed time every two seconds
 * (the audit log verifies in one streaming pass and reports only at the end).
 */
async function showProgress(runtime: Runtime, io: CliIO): Promise<() => void> {
  const store = createAuditStore(runtime.database);
  const head = await store.head();
  const oldest = (await store.oldestSeq()) ?? 0;
  io.err(head.seq === 0 ? 'verifying an empty audit log…' : `verifying audit entries ${oldest}..${head.seq} and their checkpoints…`);
  const started = Date.now();
  const timer = setInterval(() => io.err(`  still verifying, ${Math.round((Date.now() - started) / 1000)} s`), 2000);
  timer.unref();
  return () => clearInterval(timer);
}

function parsePeriod(options: ReadonlyMap<string, string>): ReportPeriod {
  const at = (name: 'from' | 'to'): Date => {
    const raw = options.get(name);
    if (raw === undefined) throw new UsageError(`--${name} ISO-8601 time is required\n${USAGE}`);
    const t = Date.parse(raw);
    if (!Number.isFinite(t)) throw new UsageError(`--${name} must be an ISO-8601 time (got ${JSON.stringify(raw)})`);
    return new Date(t);
  };
  const period = { from: at('from'), to: at('to') };
  if (period.from.getTime() >= period.to.getTime()) throw new UsageError('--from must be before --to');
  return period;
}

const exportPeriod: CliCommand = async (args, io) => {
  const { flags, options } = parseArgs(args, { flags: ['json', 'report'], options: ['from', 'to', 'format', 'out'] });
  const period = parsePeriod(options);
  const format = options.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UsageError('--format must be json or csv');
  const out = options.get('out') ?? null;
  if (out === null && flags.has('json') && format === 'csv') throw new UsageError('--json with --format csv needs --out FILE');
  const kind = flags.has('report') ? 'compliance_report' : 'entries';

  return withRuntime(async (runtime) => {
    const query = { period, requestedBy: cliActor(), format } as const;
    let content: string;
    let count: number;
    if (kind === 'compliance_report') {
      const { report: r, csv } = await runtime.audit.exportReport(query);
      content = csv ?? JSON.stringify(r);
      count = r.entries;
    } else {
      const { entries, csv } = await runtime.audit.exportEntries(query);
      content = csv ?? JSON.stringify(entriesDocument(entries, period, runtime.clock.now()));
      count = entries.length;
    }
    const range = `${period.from.toISOString()} .. ${period.to.toISOString()}`;
    if (out === null) {
      // The export itself is the output; a JSON document is one line, so it is also the last line.
      io.out(content.endsWith('\r\n') ? content.slice(0, -2) : content);
      return 0;
    }
    writeFileSync(out, content.endsWith('\n') ? content : `${content}\n`, { mode: 0o600 });
    const label = kind === 'entries' ? `${count} entries` : `the compliance report over ${count} entries`;
    report(io, flags.has('json'), [`exported ${label} for ${range} as ${format} to ${out}`], { ok: true, kind, format, count, out });
    return 0;
  });
};

function entriesDocument(entries: readonly AuditEntry[], period: ReportPeriod, now: Date) {
  return {
    format: ENTRIES_EXPORT_FORMAT,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    generatedAt: now.toISOString(),
    count: entries.length,
    entries,
  };
}

const checkpoint: CliCommand = async (args, io) => {
  const { flags } = parseArgs(args, { flags: ['json'] });
  return withRuntime(async (runtime) => {
    const outcome = await runtime.audit.checkpoint();
    report(io, flags.has('json'), [describeCheckpoint(outcome)], checkpointJson(outcome));
    return outcome.kind === 'refused' ? 1 : 0;
  });
};

function describeCheckpoint(o: CheckpointOutcome): string {
  switch (o.kind) {
    case 'created':
      return `checkpoint signed over seq ${o.checkpoint.fromSeq}..${o.checkpoint.toSeq} (merkle root ${o.checkpoint.merkleRoot.slice(0, 16)}…, key ${o.checkpoint.keyId})`;
    case 'nothing_new':
      return 'nothing to checkpoint: no entries since the last checkpoint';
    case 'conflict':
      return 'another instance signed this range first; its checkpoint stands';
    case 'refused':
      return `refused to sign: the chain fails verification at seq ${o.verification.firstBadSeq} (${o.verification.reason})`;
  }
}

function checkpointJson(o: CheckpointOutcome) {
  switch (o.kind) {
    case 'created':
      return {
        outcome: o.kind,
        from_seq: o.checkpoint.fromSeq,
        to_seq: o.checkpoint.toSeq,
        merkle_root: o.checkpoint.merkleRoot,
        head_hash: o.checkpoint.headHash,
        key_id: o.checkpoint.keyId,
        at: o.checkpoint.at,
      };
    case 'refused':
      return { outcome: o.kind, first_bad_seq: o.verification.firstBadSeq, reason: o.verification.reason };
    default:
      return { outcome: o.kind };
  }
}

const exportCheckpoints: CliCommand = async (args, io) => {
  const { flags, options } = parseArgs(args, { flags: ['json'], options: ['out'] });
  const out = options.get('out');
  if (out === undefined) throw new UsageError(`--out FILE is required\n${USAGE}`);
  return withRuntime(async (runtime) => {
    const signer = createEd25519Signer(runtime.secrets.auditSigningKey);
    const checkpoints = await runtime.audit.exportCheckpoints(cliActor());
    const file: CheckpointExportFile = {
      format: CHECKPOINT_EXPORT_FORMAT,
      algorithm: 'Ed25519',
      publicKey: signer.publicKey,
      keyId: signer.keyId,
      exportedAt: runtime.clock.now().toISOString(),
      checkpoints,
    };
    writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
    const last = checkpoints[checkpoints.length - 1]?.checkpoint.toSeq ?? 0;
    report(
      io,
      flags.has('json'),
      [
        `exported ${checkpoints.length} signed checkpoints (through seq ${last}) to ${out}`,
        `public key (${signer.keyId}, Ed25519, base64): ${signer.publicKey}`,
        `each checkpoint is a ${CHECKPOINT_FORMAT} document; keep the file and the key where the database's owner cannot rewrite them`,
      ],
      { ok: true, count: checkpoints.length, signed_through: last, key_id: signer.keyId, public_key: signer.publicKey, out },
    );
    return 0;
  });
};
