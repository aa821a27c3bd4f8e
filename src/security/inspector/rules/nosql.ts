import type { RuleHit } from '../types.js';

/** MongoDB query and aggregation operators that change what a filter matches. */
const operators = new Set([
  '$ne',
  '$eq',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$regex',
  '$where',
  '$exists',
  '$expr',
  '$or',
  '$and',
  '$not',
  '$nor',
  '$elemmatch',
  '$all',
  '$size',
  '$type',
  '$mod',
  '$text',
  '$function',
  '$accumulator',
  '$lookup',
  '$jsonschema',
  '$options',
  '$comment',
]);

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'nosql_injection', rule: `nosql.${rule}`, score });

/**
 * A key that is a query operator (`$ne`, `$where`): a client never needs to send one.
 * @example judgeNosqlKey('$ne')?.rule // 'nosql.operator_key'
 */
export function judgeNosqlKey(key: string): RuleHit | null {
  return key.charCodeAt(0) === 36 && operators.has(key.toLowerCase()) ? hit('operator_key') : null;
}

const operatorInText = /\[\s*\$[a-z]+\s*\]|["']?\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|expr|or|and|not|nor|elemmatch)["']?\s*:|\$where\b/i;
const serverJs =
  /\bthis\.\w+(?:\.\w+)*\s*(?:[=!<>]=?|\.match\s*\(|\.length\b)|\bdb\.\w+\.(?:find|insert|update|remove|drop)\w*\s*\(|;\s*return\s*[(\s]\s*(?:true|1|this|['"])|['";]\s*sleep\(\s*\d+\s*\)|['"]\s*\|\|\s*['"]?\w*['"]?\s*[=!]==?/i;

/**
 * Operator syntax inside a string (`user[$ne]=x`, `{"$gt": ""}`) and server-side JS conditions.
 * @example judgeNosqlText("username[$ne]=toto")?.rule // 'nosql.operator_text'
 */
export function judgeNosqlText(s: string): RuleHit | null {
  if (s.indexOf('$') >= 0 && operatorInText.test(s)) return hit('operator_text');
  if (serverJs.test(s)) return hit('server_js');
  return null;
}
