import fc from 'fast-check';
import type { EdgeCase } from './generator/index.js';

type Schema = Record<string, unknown>;

/**
 * A fast-check arbitrary of values that satisfy a route's JSON schema (the TypeBox subset ClubOS uses: objects,
 * arrays, strings with lengths, formats and patterns, integers with bounds, literals, unions, null). String
 * values mix random text with the TestDataGenerator's edge-case texts that fit the length bounds.
 */
export function validValue(schema: unknown, edgeTexts: readonly EdgeCase[] = []): fc.Arbitrary<unknown> {
  const s = (schema ?? {}) as Schema;
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[key])) return fc.oneof(...(s[key] as unknown[]).map((x) => validValue(x, edgeTexts)));
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1_000_000;
      const max = typeof s.maximum === 'number' ? s.maximum : 1_000_000;
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'string': {
      if (s.format === 'uuid') return fc.uuid({ version: 4 });
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern));
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      const maxLength = typeof s.maxLength === 'number' ? Math.min(s.maxLength, 300) : 60;
      const fitting = edgeTexts.filter((e) => e.form === 'text' && e.value.length >= minLength && e.value.length <= (typeof s.maxLength === 'number' ? s.maxLength : 20_000)).map((e) => e.value);
      const random = fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
      return fitting.length > 0 ? fc.oneof(random, fc.constantFrom(...fitting)) : random;
    }
    case 'array': {
      const maxItems = typeof s.maxItems === 'number' ? Math.min(s.maxItems, 4) : 4;
      const minItems = typeof s.minItems === 'number' ? s.minItems : 0;
      return fc.array(validValue(s.items, edgeTexts), { minLength: minItems, maxLength: Math.max(minItems, maxItems) });
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set((s.required as string[] | undefined) ?? []);
      const entries = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v, edgeTexts)]));
      return fc.record(entries, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * A value the schema must refuse, built from a valid one: an unknown property, a required property missing or
 * of the wrong type, or the wrong type altogether. Null when the schema accepts anything.
 */
export function invalidValue(schema: unknown): fc.Arbitrary<unknown> | null {
  const s = (schema ?? {}) as Schema;
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(alternatives)) {
    // A union refuses any value whose type none of its members has.
    const types = new Set(alternatives.map((a) => a.type));
    const foreign = [[42, 'integer'], ['text', 'string'], [true, 'boolean'], [[], 'array']].filter(([, t]) => !types.has(t as string) && !(t === 'integer' && types.has('number')));
    return foreign.length > 0 ? fc.constantFrom(...foreign.map(([v]) => v)) : null;
  }
  if (s.type !== 'object') return s.type === undefined ? null : fc.constant({ __not_a: 'scalar' });
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = ((s.required as string[] | undefined) ?? []).filter((k) => k in props);
  const mutations: fc.Arbitrary<unknown>[] = [
    validValue(s).map((v) => ({ ...(v as object), __fuzz_unknown: 1 })),
    fc.constantFrom([], 'text', 42, true),
  ];
  if (required.length > 0) {
    mutations.push(
      fc.tuple(validValue(s), fc.constantFrom(...required)).map(([v, k]) => {
        const copy = { ...(v as Record<string, unknown>) };
        delete copy[k];
        return copy;
      }),
    );
    const typed = required.filter((k) => props[k]!.type === 'string' || props[k]!.type === 'integer' || props[k]!.type === 'boolean');
    if (typed.length > 0) {
      mutations.push(fc.tuple(validValue(s), fc.constantFrom(...typed)).map(([v, k]) => ({ ...(v as object), [k]: props[k]!.type === 'string' ? 12345 : 'not-a-number-or-bool' })));
    }
  }
  return fc.oneof(...mutations);
}
