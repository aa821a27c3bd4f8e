import { detectText, type TextJudgement } from './detect.js';
import { keySegments } from './keyPath.js';
import { judgeNosqlKey } from './rules/nosql.js';
import { judgePrototypePollutionKeys } from './rules/prototypePollution.js';
import type { Finding, InspectorPolicy, RequestLocation, RuleHit, Verdict } from './types.js';

/** Accumulates findings while one request (or one part) is walked; `score` is the worst single value. */
export interface Collector {
  readonly policy: InspectorPolicy;
  /** Judgements of recently seen values (user agents, referers repeat across requests); owned by the caller. */
  readonly cache: JudgementCache | undefined;
  findings: Finding[] | null;
  score: number;
  keys: number;
}

/** A bounded first-in-first-out memo of text judgements: detection is pure, so a hit is exact. */
export interface JudgementCache {
  readonly entries: Map<string, TextJudgement>;
  readonly capacity: number;
}

export const newCollector = (policy: InspectorPolicy, cache?: JudgementCache): Collector => ({ policy, cache, findings: null, score: 0, keys: 0 });

function judgeCached(c: Collector, s: string, location: RequestLocation): TextJudgement {
  const context = location === 'path' ? 'path' : 'text';
  const cache = c.cache;
  // Short values are cheaper to judge than to hash; long ones rarely repeat.
  if (cache === undefined || s.length < 24 || s.length > 1024 || context === 'path') return detectText(s, c.policy.maxValueLength, context);
  const known = cache.entries.get(s);
  if (known !== undefined) return known;
  const j = detectText(s, c.policy.maxValueLength, context);
  if (cache.entries.size >= cache.capacity) cache.entries.delete(cache.entries.keys().next().value as string);
  cache.entries.set(s, j);
  return j;
}

function record(c: Collector, hits: readonly RuleHit[], score: number, location: RequestLocation, path: string): void {
  if (hits.length === 0) return;
  c.findings ??= [];
  for (const h of hits) c.findings.push({ kind: h.kind, rule: h.rule, score: h.score, location, path });
  if (score > c.score) c.score = score;
}

export function structural(c: Collector, rule: string, location: RequestLocation, path: string): void {
  c.findings ??= [];
  c.findings.push({ kind: 'structure', rule: `structure.${rule}`, score: c.policy.threshold, location, path });
  if (c.policy.threshold > c.score) c.score = c.policy.threshold;
}

/** Judges a string value as free text. */
export function judgeValue(c: Collector, s: string, location: RequestLocation, path: string): void {
  const j = judgeCached(c, s, location);
  record(c, j.hits, j.score, location, path);
}

const plainKey = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/**
 * Judges a key: as a key path (prototype keys, query operators in any segment, bracketed or
 * dotted) and as text, since key names reach SQL and templates too.
 */
export function judgeKey(c: Collector, key: string, parentKey: string | undefined, location: RequestLocation, path: string): void {
  c.keys++;
  if (c.keys === c.policy.maxKeys + 1) structural(c, 'too_many_keys', location, path);
  // Past the limit the request is refused anyway: judging more keys would only cost time.
  if (c.keys > c.policy.maxKeys) return;
  // Ordinary field names (`bay`, `startTime`, `x-request-id`) need no further look.
  if (parentKey !== 'constructor' && plainKey.test(key)) return;
  const segments = key.indexOf('[') >= 0 || key.indexOf('.') >= 0 ? keySegments(key) : [key];
  if (parentKey !== undefined) segments.unshift(parentKey);
  const hits: RuleHit[] = [];
  const proto = judgePrototypePollutionKeys(segments);
  if (proto !== null) hits.push(proto);
  for (const seg of segments) {
    const op = judgeNosqlKey(seg);
    if (op !== null) {
      hits.push(op);
      break;
    }
  }
  const text = detectText(key, c.policy.maxValueLength);
  for (const h of text.hits) if (!hits.some((x) => x.kind === h.kind)) hits.push(h);
  record(c, hits, hits.reduce((sum, h) => sum + h.score, 0), location, path);
}

/**
 * Walks a parsed value: keys and string values at every depth; arrays (repeated parameters) are
 * also judged joined, because a server that concatenates them would see the joined text.
 */
export function walk(c: Collector, v: unknown, location: RequestLocation, path: string, depth: number, parentKey?: string): void {
  if (typeof v === 'string') {
    judgeValue(c, v, location, path);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (depth >= c.policy.maxDepth) {
    structural(c, 'too_deep', location, path);
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) walk(c, v[i], location, `${path}[${i}]`, depth + 1, parentKey);
    if (v.length > 1 && v.every((x) => typeof x === 'string')) {
      const joined = (v as string[]).join(',');
      // Only a join that is suspicious where its parts were not is news.
      const before = c.score;
      const j = detectText(joined, c.policy.maxValueLength);
      if (j.score > before) record(c, j.hits, j.score, location, `${path}[*]`);
    }
    return;
  }
  for (const key of Object.keys(v)) {
    if (c.keys > c.policy.maxKeys) return;
    const child = path === '' ? key : `${path}.${key}`;
    judgeKey(c, key, parentKey, location, child);
    walk(c, (v as Record<string, unknown>)[key], location, child, depth + 1, key);
  }
}

const noFindings: readonly Finding[] = Object.freeze([]);

export function verdictOf(c: Collector): Verdict {
  const { policy } = c;
  const attack = c.score >= policy.threshold;
  return {
    verdict: attack ? policy.mode : 'clean',
    score: c.score,
    mode: policy.mode,
    findings: c.findings ?? noFindings,
  };
}
