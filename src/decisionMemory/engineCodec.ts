import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { EngineState } from './engineState.js';

/**
 * The engine's state as bytes, for snapshots: a fixed header (magic, codec version, body length, SHA-256 of the
 * body) and a gzip body holding one JSON document plus one binary section. Typed arrays (classifier weights,
 * feature vectors: millions of numbers) travel as raw little-endian bytes in the binary section, each replaced
 * in the JSON by a marker; everything else is generic JSON, so a new small field in the state needs no change
 * here. Round trips are exact: -0, NaN, ±Infinity and `undefined` are markers too, and an object whose own
 * keys could be mistaken for a marker is wrapped (objects come back as ordinary objects: a null prototype is not
 * kept). Arrays of like objects travel as columns. Pure (no I/O).
 *
 * Layout: "CLBENGST" | u16 codec version | u16 0 | u32 body length | 32 bytes SHA-256(body) | body.
 * Body (before gzip): u32 JSON length | JSON (UTF-8) | zero padding to 8 | binary section (arrays 8-aligned).
 */

/** Bump when the byte layout or the marker scheme changes: snapshots of another version are ignored. */
export const CODEC_VERSION = 1;

const MAGIC = Buffer.from('CLBENGST', 'latin1');
const HEADER = MAGIC.length + 2 + 2 + 4 + 32;
// Level 1: the weights are dense floats that deflate barely shrinks at any level; speed matters more.
const GZIP_LEVEL = 1;

export type CodecFailure = 'corrupt' | 'incompatible';

/** A payload that cannot be decoded: damaged (`corrupt`) or written by another codec version (`incompatible`). */
export class EngineCodecError extends Error {
  constructor(
    readonly reason: CodecFailure,
    message: string,
  ) {
    super(message);
    this.name = 'EngineCodecError';
  }
}

type Typed = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type TypedCtor = { new (length: number): Typed; readonly BYTES_PER_ELEMENT: number };

const TYPED: Readonly<Record<string, TypedCtor>> = {
  i8: Int8Array,
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  f64: Float64Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
};
const TAG = new Map<TypedCtor, string>(Object.entries(TYPED).map(([tag, ctor]) => [ctor, tag]));

/** Keys that mark a non-JSON value; a plain object carrying one of them is wrapped in `{ $o: … }`. */
const MARKERS = new Set(['$t', '$n', '$u', '$o', '$c', '$p']);

const SPECIAL = new Map<string, number>([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
]);

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

interface Blob {
  readonly bytes: Uint8Array;
  readonly at: number;
}

/**
 * Encodes an engine state. The state is read synchronously, before the returned promise yields, so the engine
 * may go on learning while the bytes are compressed.
 * @example const bytes = await encodeEngineState(engine.toState()); (await decodeEngineState(bytes)).examples.length
 */
export function encodeEngineState(state: EngineState): Promise<Buffer> {
  return encodePlain(state);
}

/** Decodes what `encodeEngineState` wrote; throws EngineCodecError on anything else. */
export async function decodeEngineState(payload: Uint8Array): Promise<EngineState> {
  return (await decodePlain(payload)) as EngineState;
}

/** Any plain value (JSON data, typed arrays, non-finite numbers, undefined) in the snapshot format. */
export function encodePlain(value: unknown): Promise<Buffer> {
  return compress(serialise(value));
}

export async function decodePlain(payload: Uint8Array): Promise<unknown> {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (buf.length < HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new EngineCodecError('corrupt', 'not an engine snapshot (bad magic or too short)');
  const version = buf.readUInt16LE(MAGIC.length);
  if (version !== CODEC_VERSION) throw new EngineCodecError('incompatible', `codec version ${version}, this build reads ${CODEC_VERSION}`);
  if (buf.readUInt16LE(MAGIC.length + 2) !== 0) throw new EngineCodecError('corrupt', 'reserved header bits set');
  const length = buf.readUInt32LE(MAGIC.length + 4);
  const body = buf.subarray(HEADER);
  if (body.length !== length) throw new EngineCodecError('corrupt', `body is ${body.length} bytes, the header says ${length} (truncated?)`);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(HEADER - 32, HEADER))) throw new EngineCodecError('corrupt', 'checksum mismatch');
  let raw: Buffer;
  try {
    raw = await gunzipAsync(body);
  } catch (err) {
    throw new EngineCodecError('corrupt', `the body does not inflate: ${(err as Error).message}`);
  }
  return deserialise(raw);
}

async function compress(raw: Buffer): Promise<Buffer> {
  const body = await gzipAsync(raw, { level: GZIP_LEVEL });
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt16LE(CODEC_VERSION, MAGIC.length);
  header.writeUInt32LE(body.length, MAGIC.length + 4);
  createHash('sha256').update(body).digest().copy(header, HEADER - 32);
  return Buffer.concat([header, body]);
}

/** Sets an own property, `__proto__` included (a plain assignment would change the prototype instead). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

const align8 = (n: number): number => (n + 7) & ~7;

const typedTag = (v: unknown): string | undefined => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? TAG.get(v.constructor as TypedCtor) : undefined);

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * The keys of an array of plain objects that all have the same own keys in the same order (none a marker):
 * such an array (the remembered examples, the pending proposals) travels as columns, its typed-array columns
 * packed into one binary run each, instead of as one JSON object and two binary markers per element.
 */
function columnsOf(v: readonly unknown[]): string[] | null {
  if (v.length < 2 || !isPlain(v[0])) return null;
  const keys = Object.keys(v[0]);
  if (keys.some((k) => MARKERS.has(k) || k === '__proto__')) return null;
  for (const x of v) {
    if (!isPlain(x)) return null;
    const own = Object.keys(x);
    if (own.length !== keys.length || own.some((k, i) => k !== keys[i])) return null;
  }
  return keys;
}

/**
 * The state as one uncompressed body: JSON with markers, then the typed arrays' bytes. Markers: `$t` a typed
 * array, `$n` a number JSON cannot hold, `$u` undefined, `$o` an object whose keys look like markers, `$c` an
 * array of like objects as columns, `$p` a column of typed arrays packed into one run with their lengths.
 */
function serialise(state: unknown): Buffer {
  if (!littleEndian) throw new Error('engine snapshots are little-endian only');
  const blobs: Blob[] = [];
  let size = 0;
  const append = (v: Typed, pad: boolean): number => {
    const at = size;
    blobs.push({ bytes: new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at });
    size = pad ? align8(size + v.byteLength) : size + v.byteLength;
    return at;
  };
  const column = (values: readonly unknown[], path: string): unknown => {
    const tag = typedTag(values[0]);
    if (tag === undefined || !values.every((x) => typedTag(x) === tag)) return walk(values, path);
    const lengths = new Uint32Array(values.length);
    const at = size;
    values.forEach((x, i) => {
      lengths[i] = (x as Typed).length;
      append(x as Typed, false);
    });
    const n = (size - at) / TYPED[tag]!.BYTES_PER_ELEMENT;
    size = align8(size);
    return { $p: tag, o: at, n, l: walk(lengths, `${path}.lengths`) };
  };
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $n: 'NaN' };
      if (v === Number.POSITIVE_INFINITY) return { $n: 'Infinity' };
      if (v === Number.NEGATIVE_INFINITY) return { $n: '-Infinity' };
      return Object.is(v, -0) ? { $n: '-0' } : v;
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v === undefined) return { $u: 1 };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const tag = typedTag(v);
      if (tag === undefined) throw new TypeError(`engine state: unsupported typed array at ${path}`);
      return { $t: tag, o: append(v as Typed, true), n: (v as Typed).length };
    }
    if (Array.isArray(v)) {
      const keys = columnsOf(v);
      if (keys === null) return v.map((x, i) => walk(x, `${path}[${i}]`));
      return { $c: v.length, k: keys, v: keys.map((k) => column(v.map((x: Record<string, unknown>) => x[k]), `${path}[].${k}`)) };
    }
    if (isPlain(v)) {
      const out: Record<string, unknown> = {};
      let marked = false;
      for (const [k, x] of Object.entries(v)) {
        if (MARKERS.has(k)) marked = true;
        put(out, k, walk(x, `${path}.${k}`));
      }
      return marked ? { $o: out } : out;
    }
    // A Map, Date or class instance would come back as something else: the state must stay plain data.
    throw new TypeError(`engine state: ${Object.prototype.toString.call(v)} at ${path} is not plain data`);
  };
  const json = Buffer.from(JSON.stringify(walk(state, 'state')), 'utf8');
  const start = align8(4 + json.length);
  const body = Buffer.alloc(start + size);
  body.writeUInt32LE(json.length, 0);
  json.copy(body, 4);
  for (const b of blobs) body.set(b.bytes, start + b.at);
  return body;
}

function deserialise(raw: Buffer): unknown {
  const corrupt = (why: string): never => {
    throw new EngineCodecError('corrupt', why);
  };
  if (raw.length < 4) corrupt('body too short');
  const jsonLength = raw.readUInt32LE(0);
  if (4 + jsonLength > raw.length) corrupt('JSON section runs past the body');
  const start = align8(4 + jsonLength);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8', 4, 4 + jsonLength));
  } catch {
    corrupt('JSON section does not parse');
  }
  const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  /** A typed array of `n` elements copied out of the binary section at `at`. */
  const typed = (tag: unknown, at: unknown, n: unknown): Typed => {
    const ctor = Object.hasOwn(TYPED, String(tag)) ? TYPED[String(tag)] : undefined;
    if (ctor === undefined || !isCount(at) || !isCount(n)) return corrupt('bad typed array marker');
    const bytes = n * ctor.BYTES_PER_ELEMENT;
    const from = start + at;
    if (from + bytes > raw.length) return corrupt('typed array runs past the body');
    const out = new ctor(n);
    new Uint8Array(out.buffer).set(raw.subarray(from, from + bytes));
    return out;
  };
  const column = (c: unknown, n: number): readonly unknown[] => {
    if (c === null || typeof c !== 'object' || !('$p' in c)) {
      const values = revive(c);
      return Array.isArray(values) && values.length === n ? values : corrupt('bad column');
    }
    const p = c as Record<string, unknown>;
    const lengths = revive(p.l);
    const all = typed(p.$p, p.o, p.n);
    if (!(lengths instanceof Uint32Array) || lengths.length !== n || lengths.reduce((a, b) => a + b, 0) !== all.length) return corrupt('bad packed column');
    // Views into one copy of the run: each element keeps its own range, none overlaps another.
    const out = new Array<unknown>(n);
    let o = 0;
    for (let i = 0; i < n; i++) {
      out[i] = all.subarray(o, o + lengths[i]!);
      o += lengths[i]!;
    }
    return out;
  };
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('$o' in o) return reviveEntries(o.$o);
    if ('$c' in o) {
      const { $c: n, k: keys, v: cols } = o;
      if (!isCount(n) || !Array.isArray(keys) || !keys.every((k) => typeof k === 'string') || !Array.isArray(cols) || cols.length !== keys.length) return corrupt('bad table marker');
      const columns = cols.map((c) => column(c, n));
      return Array.from({ length: n }, (_, i) => {
        const row: Record<string, unknown> = {};
        for (let j = 0; j < keys.length; j++) put(row, keys[j] as string, columns[j]![i]);
        return row;
      });
    }
    if ('$u' in o) return undefined;
    if ('$n' in o) {
      const n = SPECIAL.get(String(o.$n));
      return n ?? corrupt(`unknown number marker ${String(o.$n)}`);
    }
    if ('$t' in o) return typed(o.$t, o.o, o.n);
    return reviveEntries(o);
  };
  const reviveEntries = (v: unknown): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return corrupt('bad object marker');
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) put(out, k, revive(x));
    return out;
  };
  return revive(doc);
}
