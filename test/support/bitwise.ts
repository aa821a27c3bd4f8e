/**
 * A value with every typed array replaced by its type and bytes, for deep comparisons that are bit for bit (-0 and
 * NaN payloads included) and quick: vitest's deep equality walks a typed array element by element.
 */
export function bitwise(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}`;
  if (Array.isArray(v)) return v.map(bitwise);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bitwise(x)]));
  return v;
}
