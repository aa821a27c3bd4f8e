import type { RuleHit } from '../types.js';

const hit: RuleHit = { kind: 'prototype_pollution', rule: 'proto.key_path', score: 5 };

/** `__proto__` anywhere in a key path, or `constructor` → `prototype` (dotted, bracketed or quoted). */
const protoText = /__proto__|\bconstructor\s*(?:\.|\[\s*["'`]?|["'`]?\s*\]?\s*[.[]\s*["'`]?|["'`]\s*:\s*\{\s*["'`])\s*prototype\b/i;

/**
 * Prototype pollution in text (a key path such as `__proto__[admin]` or `constructor.prototype.x`,
 * or JSON text carrying those keys).
 * @example judgePrototypePollutionText('__proto__[polluted]=1')?.rule // 'proto.key_path'
 */
export function judgePrototypePollutionText(s: string): RuleHit | null {
  return s.length >= 9 && protoText.test(s) ? hit : null;
}

/**
 * Prototype pollution in a parsed key path: one segment is `__proto__`, or `constructor` is
 * followed by `prototype`.
 * @example judgePrototypePollutionKeys(['user', 'constructor', 'prototype']) !== null // true
 */
export function judgePrototypePollutionKeys(segments: readonly string[]): RuleHit | null {
  for (let i = 0; i < segments.length; i++) {
    const k = segments[i]!;
    if (k === '__proto__') return hit;
    if (k === 'constructor' && segments[i + 1] === 'prototype') return hit;
  }
  return null;
}
