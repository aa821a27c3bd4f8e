/**
 * `application/x-www-form-urlencoded` bodies parsed as structure first: a bounded number of fields, strict
 * percent-decoding (a malformed escape is refused, never passed through as something else), names that could
 * reach an object's prototype refused, repeated names kept together as an array (so a schema that wants one
 * value refuses them, and the inspector judges them joined, as a server that concatenated them would see them).
 * The result is a null-prototype object: nothing a client sends can shadow Object.prototype.
 */
export interface FormLimits {
  /** More fields than this is refused (parameter flooding). */
  readonly maxFields: number;
  /** Field names longer than this are refused. */
  readonly maxNameLength: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = Object.freeze({ maxFields: 100, maxNameLength: 200 });

export type FormFields = Readonly<Record<string, string | readonly string[]>>;

export type FormParse =
  | { readonly kind: 'ok'; readonly fields: FormFields }
  | { readonly kind: 'too_many_fields'; readonly limit: number }
  | { readonly kind: 'forbidden_name'; readonly name: string }
  | { readonly kind: 'malformed'; readonly reason: 'bad_escape' | 'empty_name' | 'name_too_long' };

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function decode(s: string): string | null {
  const spaced = s.indexOf('+') >= 0 ? s.replaceAll('+', ' ') : s;
  if (spaced.indexOf('%') < 0) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return null;
  }
}

/**
 * Parses a form body. Empty segments (`a=1&&b=2`, a trailing `&`) are skipped; a field without `=` has the
 * empty value.
 * @example parseFormFields('name=Bay+3&text=can%27t+get+in', DEFAULT_FORM_LIMITS) // { kind: 'ok', fields: { name: 'Bay 3', text: "can't get in" } }
 * @example parseFormFields('__proto__=x', DEFAULT_FORM_LIMITS).kind // 'forbidden_name'
 * @example parseFormFields('a=1&a=2', DEFAULT_FORM_LIMITS) // { kind: 'ok', fields: { a: ['1', '2'] } }
 */
export function parseFormFields(body: string, limits: FormLimits): FormParse {
  const fields: Record<string, string | string[]> = Object.create(null);
  let count = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('&', start);
    if (end < 0) end = body.length;
    const segment = body.slice(start, end);
    start = end + 1;
    if (segment.length === 0) continue;
    count++;
    if (count > limits.maxFields) return { kind: 'too_many_fields', limit: limits.maxFields };
    const eq = segment.indexOf('=');
    const rawName = eq < 0 ? segment : segment.slice(0, eq);
    if (rawName.length === 0) return { kind: 'malformed', reason: 'empty_name' };
    const name = decode(rawName);
    const value = eq < 0 ? '' : decode(segment.slice(eq + 1));
    if (name === null || value === null) return { kind: 'malformed', reason: 'bad_escape' };
    if (name.length > limits.maxNameLength) return { kind: 'malformed', reason: 'name_too_long' };
    if (FORBIDDEN_NAMES.has(name)) return { kind: 'forbidden_name', name };
    const prior = fields[name];
    if (prior === undefined) fields[name] = value;
    else if (typeof prior === 'string') fields[name] = [prior, value];
    else prior.push(value);
  }
  return { kind: 'ok', fields };
}
