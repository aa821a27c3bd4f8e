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
  const parts: string[] = [];
  write(value, '$', parts, new Set());
  return parts.join('');
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
    write(value, '$', [], new Set());
    return true;
  } catch (e) {
    if (e instanceof NotJsonError) return false;
    throw e;
  }
}

function write(value: unknown, path: string, out: string[], stack: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(quote(value, path));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError('non_finite_number', path);
      // ECMAScript Number::toString is exactly the JCS number form (and prints -0 as "0").
      out.push(String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
      throw new NotJsonError('undefined', path);
    case 'function':
      throw new NotJsonError('function', path);
    case 'symbol':
      throw new NotJsonError('symbol', path);
    case 'bigint':
      // Sequence numbers stay below 2^53 and travel as numbers; a bigint here is a caller bug.
      throw new NotJsonError('bigint', path);
    case 'object':
      break;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const obj = value as object;
  if (stack.has(obj)) throw new NotJsonError('cycle', path);
  stack.add(obj);
  if (Array.isArray(obj)) writeArray(obj, path, out, stack);
  else writeObject(obj, path, out, stack);
  stack.delete(obj);
}

function writeArray(arr: readonly unknown[], path: string, out: string[], stack: Set<object>): void {
  out.push('[');
  for (let i = 0; i < arr.length; i++) {
    if (!(i in arr)) throw new NotJsonError('sparse_array', `${path}[${i}]`);
    if (i > 0) out.push(',');
    write(arr[i], `${path}[${i}]`, out, stack);
  }
  out.push(']');
}

function writeObject(obj: object, path: string, out: string[], stack: Set<object>): void {
  const proto = Object.getPrototypeOf(obj);
  // Dates, Maps, class instances and boxed primitives have no single JSON meaning: refuse them.
  if (proto !== Object.prototype && proto !== null) throw new NotJsonError('non_plain_object', path);
  const record = obj as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 prescribes.
  const keys = Object.keys(record).sort();
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const childPath = `${path}.${key}`;
    if (i > 0) out.push(',');
    out.push(quote(key, childPath), ':');
    write(record[key], childPath, out, stack);
  }
  out.push('}');
}

function quote(s: string, path: string): string {
  // I-JSON (RFC 7493), which JCS builds on, forbids unpaired surrogates.
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) throw new NotJsonError('lone_surrogate', path);
  return JSON.stringify(s);
}
