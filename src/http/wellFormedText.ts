/**
 * JSON may carry `\ud800` or `\u0000` escapes: lone UTF-16 surrogates and NUL characters, text that no
 * PostgreSQL column, audit hash or outgoing message can hold. Such a body is malformed input (400), refused
 * before anything uses it.
 */
const NOT_STORABLE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/;

/**
 * The JSON pointer of the first string (value or key) holding a lone surrogate or a NUL, or null when all text is
 * storable. Iterative, so a body nested thousands deep is walked without exhausting the stack.
 * @example unstorableTextAt({ a: ['ok', 'x\ud800'] }) // '/a/1'
 */
export function unstorableTextAt(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, pointer] = stack.pop()!;
    if (typeof v === 'string') {
      if (NOT_STORABLE.test(v)) return pointer || '/';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    for (const [k, inner] of Object.entries(v)) {
      const at = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (NOT_STORABLE.test(k)) return at;
      stack.push([inner, at]);
    }
  }
  return null;
}
