import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createAuditLog } from '../audit/auditLog.js';
import { canonicalJson } from '../audit/canonical.js';
import { createEd25519Signer, type SignedCheckpoint, trustedKeys } from '../audit/checkpoint.js';
import { AUDIT_ACTIONS, type AuditEntry, type AuditEntryContent, GENESIS_PREV_HASH, sealEntry } from '../audit/entry.js';
import { createMerkleAccumulator } from '../audit/merkle.js';
import { createMinimizer } from '../audit/minimize.js';
import { verifyChain } from '../audit/verify.js';
import { manualClock } from '../kernel/clock.js';
import { createAuditStore, entryRowValues } from '../store/audit/auditStore.js';
import { type Database, openDatabase } from '../store/database.js';
import { migrateUp } from '../store/migrate.js';
import { type Bench, type BenchFigure, figure } from './types.js';

/**
 * Two figures. Verification throughput of the audit chain over a generated log (default 1M entries, a signed
 * checkpoint every 10k). Entries are regenerated on the fly from their seq and a 32-byte-per-entry
 * hash table, so a million of them fit the memory budget exactly as a paged store read would.
 * Baseline: plain SHA-256 over each entry's canonical bytes, generated the same way, in the same run.
 */

const SEGMENT = 10_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const ACTIONS = AUDIT_ACTIONS.filter((a) => !a.startsWith('audit.'));

function content(seq: number): AuditEntryContent {
  return {
    seq,
    at: new Date(T0 + seq * 1000).toISOString(),
    actor: { type: seq % 3 === 0 ? 'operator' : 'system', id: `actor_${seq % 17}` },
    action: ACTIONS[seq % ACTIONS.length]!,
    resource: { type: 'suggestion', id: `sug_${seq}` },
    location: `loc_${seq % 4}`,
    correlationId: `corr_${seq}`,
    body: { decision: 'reset_trackman', bay: seq % 8, confidence: (seq % 100) / 100, eventId: `evt_${seq}` },
  } as AuditEntryContent;
}

function* entriesFrom(hashes: Buffer, n: number): Generator<AuditEntry> {
  let prev = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const hash = hashes.toString('hex', (seq - 1) * 32, seq * 32);
    yield { ...content(seq), prevHash: prev, hash };
    prev = hash;
  }
}

/** Builds the log (not timed), then times verification against the baseline. */
export async function benchAuditVerify(n: number): Promise<readonly BenchFigure[]> {
  const signer = createEd25519Signer(Buffer.alloc(32, 42).toString('base64'));
  const hashes = Buffer.alloc(n * 32);
  const checkpoints: SignedCheckpoint[] = [];
  let head = { seq: 0, hash: GENESIS_PREV_HASH };
  let acc = createMerkleAccumulator();
  let from = 1;
  for (let seq = 1; seq <= n; seq++) {
    const e = sealEntry(head, content(seq));
    hashes.write(e.hash, (seq - 1) * 32, 'hex');
    acc.push(Buffer.from(e.hash, 'hex'));
    head = { seq, hash: e.hash };
    if (seq % SEGMENT === 0 || seq === n) {
      const root = Buffer.from(acc.root()).toString('hex');
      const at = new Date(T0 + seq * 1000 + 500).toISOString();
      checkpoints.push(signer.sign({ fromSeq: from, toSeq: seq, treeSize: seq - from + 1, headHash: e.hash, merkleRoot: root, at }));
      acc = createMerkleAccumulator();
      from = seq + 1;
    }
  }
  const keys = trustedKeys([signer.publicKey]);

  let t = performance.now();
  let sink = 0;
  for (const e of entriesFrom(hashes, n)) sink ^= createHash('sha256').update(canonicalJson(content(e.seq)), 'utf8').digest()[0]!;
  const baselineS = (performance.now() - t) / 1000;

  t = performance.now();
  const result = await verifyChain({ entries: entriesFrom(hashes, n), checkpoints, keys });
  const verifyS = (performance.now() - t) / 1000;
  if (!result.ok || result.verifiedThrough !== n) throw new Error(`benchmark chain failed to verify: ${JSON.stringify(result)}`);

  return [
    figure({
      id: `audit.verify_entries_per_s.${n}`,
      value: n / verifyS,
      unit: 'entries/s',
      baseline: { label: 'plain SHA-256 of each entry’s canonical bytes', value: n / baselineS },
      better: 'higher',
      note: `${checkpoints.length} signed checkpoints, every ${SEGMENT} entries; checksum ${sink}`,
    }),
  ];
}


/**
 * Append throughput through the real AuditLog and SQL store (minimise, lock, read head, hash,
 * insert, commit) against plain autocommit INSERTs of the very same rows into an identical table
 * without the chain (`like compliance_log including all`: same columns, checks and indexes, no
 * trigger), on the same engine in the same run. Both sides run sequentially, one writer, in
 * alternating blocks so load from elsewhere on the machine hits both alike.
 */
export type AppendEngine = { readonly kind: 'pglite' } | { readonly kind: 'postgres'; readonly adminUrl: string };

const BLOCK = 250;
const PLAIN_INSERT = `insert into compliance_log_plain
  (seq, at, actor_type, actor_id, action, resource_type, resource_id, location, correlation_id, body, prev_hash, hash)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

/** `warmup` appends and inserts run first, untimed: PGlite's WebAssembly needs a few hundred to reach speed. */
export async function benchAuditAppend(n: number, engine: AppendEngine, warmup = 300): Promise<BenchFigure> {
  const scratch = await openScratch(engine);
  const { database } = scratch;
  try {
    await migrateUp(database);
    await database.exclusive((r) => r.exec('create table compliance_log_plain (like compliance_log including all)'));
    const clock = manualClock(new Date(T0));
    const audit = createAuditLog({
      store: createAuditStore(database),
      clock,
      signer: createEd25519Signer(Buffer.alloc(32, 42).toString('base64')),
      minimizer: createMinimizer({ key: Buffer.alloc(32, 7), keyId: 'bench' }),
    });
    const appendChained = async (i: number) => {
      clock.advance(1000);
      return audit.record({
        action: 'decision.proposed',
        actor: { type: 'system', id: 'intake' },
        resource: { type: 'suggestion', id: `sug_${i}` },
        location: `loc_${i % 4}`,
        correlationId: `corr_${i}`,
        body: { eventId: `evt_${i}`, phone: `+1555${String(i).padStart(7, '0')}`, text: `trackman frozen in bay ${i % 8}`, decision: 'reset_trackman', confidence: (i % 100) / 100 },
      });
    };
    const insertPlain = (e: AuditEntry) => database.exclusive((r) => r.query(PLAIN_INSERT, entryRowValues(e)));

    for (let i = 1; i <= warmup; i++) await insertPlain(await appendChained(i));
    let chainedMs = 0;
    let plainMs = 0;
    for (let from = warmup + 1; from <= warmup + n; from += BLOCK) {
      const to = Math.min(from + BLOCK - 1, warmup + n);
      const block: AuditEntry[] = [];
      let t = performance.now();
      for (let i = from; i <= to; i++) block.push(await appendChained(i));
      chainedMs += performance.now() - t;
      t = performance.now();
      for (const e of block) await insertPlain(e);
      plainMs += performance.now() - t;
    }
    const [counts] = await database.exclusive((r) =>
      r.query<{ chained: number; plain: number }>('select (select count(*) from compliance_log)::int as chained, (select count(*) from compliance_log_plain)::int as plain'),
    );
    if (counts?.chained !== warmup + n || counts.plain !== warmup + n) throw new Error(`benchmark row counts differ: ${JSON.stringify(counts)}`);
    return figure({
      id: `audit.append_per_s.${engine.kind}`,
      value: (n * 1000) / chainedMs,
      unit: 'appends/s',
      baseline: { label: 'plain autocommit INSERT of the same rows into an identical table without chain', value: (n * 1000) / plainMs },
      better: 'higher',
      note: `${n} sequential appends each side on ${engine.kind}, after ${warmup} warm-up; target ratio ≥ 0.5`,
    });
  } finally {
    await scratch.dispose();
  }
}


/** A fresh database of its own: the benchmark never appends to a real audit log (nor seeds a real one). */
export async function openScratch(engine: AppendEngine): Promise<{ database: Database; dispose(): Promise<void> }> {
  if (engine.kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dir: null });
    return { database, dispose: () => database.close() };
  }
  const name = `clubos_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: engine.adminUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(engine.adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    database,
    async dispose() {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** 1M-entry verification, and appends on PGlite and, when DATABASE_URL is set, on PostgreSQL. */
export const bench: Bench = async () => {
  const figures: BenchFigure[] = [...(await benchAuditVerify(1_000_000)), await benchAuditAppend(2_000, { kind: 'pglite' })];
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (adminUrl) figures.push(await benchAuditAppend(2_000, { kind: 'postgres', adminUrl }));
  return figures;
};
