/**
 * Canonical JSON (RFC 8785, JCS): the exact bytes every audit hash and signature is computed over.
 * Object keys are sorted by UTF-16 code units, numbers use the ECMAScript serialisation, strings the
 * JSON.stringify escapes, and there is no whitespace. Anything that is not plain JSON is refused
 * rather than silently dropped or coerced, because a hash over coerced data would not survive a
 * round trip through the database.
 */

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Why a value has no canonical JSON form. */
export type NotJsonReason =
  | 'undefined'
  | 'function'
  | 'symbol'
  | 'bigint'
  | 'non_finite_number'
  | 'lone_surrogate'
  | 'non_plain_object'
  | 'sparse_array'
  | 'cycle';

/** Thrown for a value that is not JSON; `path` points at the offending member (`$.body.items[2]`). */
export class NotJsonError extends Error {
  constructor(
    readonly reason: NotJsonReason,
    readonly path: string,
  ) {
    super(`not canonicalisable JSON at ${path}: ${reason}`);
    this.name = 'NotJsonError';
  }
}

const encoder = new TextEncoder();

/**
 * The RFC 8785 canonical text of a JSON value.
 * @example
 * canonicalJson({ b: 1, a: [true, null, 1e21] }) // '{"a":[true,null,1e+21],"b":1}'
 * canonicalJson({ a: undefined }) // throws NotJsonError('undefined', '$.a')
 */
export function canonicalJson(value: unknown): string {
  const path: (string | number)[] = [];
  try {
    return write(value, path, new Set());
  } catch (e) {
    // The path is only rendered on failure: building it per member would dominate the cost.
    if (e instanceof PathlessError) throw new NotJsonError(e.reason, renderPath(path));
    throw e;
  }
}

/**
 * The UTF-8 bytes of {@link canonicalJson}: what gets hashed and signed.
 * @example
 * canonicalBytes({ a: 'é' }) // Uint8Array of '{"a":"é"}' in UTF-8 (9 bytes)
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}

/**
 * True when `value` has a canonical form (the same checks as {@link canonicalJson}, no throw).
 * @example
 * isJsonValue({ at: new Date() }) // false: a Date is not plain JSON
 */
export function isJsonValue(value: unknown): value is JsonValue {
  try {
    write(value, [], new Set());
    return true;
  } catch (e) {
    if (e instanceof PathlessError) return false;
    throw e;
  }
}

class PathlessError extends Error {
  constructor(readonly reason: NotJsonReason) {
    super(reason);
  }
}

function renderPath(path: readonly (string | number)[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
}

function write(value: unknown, path: (string | number)[], stack: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new PathlessError('non_finite_number');
      // ECMAScript Number::toString is exactly the JCS number form (and prints -0 as "0").
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      throw new PathlessError('undefined');
    case 'function':
      throw new PathlessError('function');
    case 'symbol':
      throw new PathlessError('symbol');
    case 'bigint':
      // Sequence numbers stay below 2^53 and travel as numbers; a bigint here is a caller bug.
      throw new PathlessError('bigint');
    case 'object':
      break;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (stack.has(obj)) throw new PathlessError('cycle');
  stack.add(obj);
  const out = Array.isArray(obj) ? writeArray(obj, path, stack) : writeObject(obj, path, stack);
  stack.delete(obj);
  return out;
}

function writeArray(arr: readonly unknown[], path: (string | number)[], stack: Set<object>): string {
  let out = '[';
  for (let i = 0; i < arr.length; i++) {
    path.push(i);
    if (!(i in arr)) throw new PathlessError('sparse_array');
    out += (i > 0 ? ',' : '') + write(arr[i], path, stack);
    path.pop();
  }
  return `${out}]`;
}

function writeObject(obj: object, path: (string | number)[], stack: Set<object>): string {
  const proto = Object.getPrototypeOf(obj);
  // Dates, Maps, class instances and boxed primitives have no single JSON meaning: refuse them.
  if (proto !== Object.prototype && proto !== null) throw new PathlessError('non_plain_object');
  const record = obj as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 prescribes.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    path.push(key);
    out += `${i > 0 ? ',' : ''}${quote(key)}:${write(record[key], path, stack)}`;
    path.pop();
  }
  return `${out}}`;
}

function quote(s: string): string {
  // I-JSON (RFC 7493), which JCS builds on, forbids unpaired surrogates.
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) throw new PathlessError('lone_surrogate');
  return JSON.stringify(s);
}
