import { type Collector, judgeKey, judgeValue, newCollector, verdictOf, walk } from './collect.js';
import { parseQueryString } from './keyPath.js';
import type { InspectorPolicy, RequestLocation, Verdict } from './types.js';
import { judgeXss } from './xss/judge.js';
import { xmlStrings } from './xmlText.js';

/**
 * Inspects one string placed at `location` of a request, parsing it as that location would be
 * parsed (JSON bodies and query strings: keys count; XML: attribute values and text; cookies:
 * `k=v; …` pairs). The string is never changed.
 * @example inspectRequestPart('query_string', 'user[$ne]=x', defaultPolicy).verdict // 'block'
 * @example inspectRequestPart('any', "can't get in -- door's locked", defaultPolicy).verdict // 'clean'
 */
export function inspectRequestPart(location: RequestLocation, value: string, policy: InspectorPolicy): Verdict {
  const c = newCollector(policy);
  inspectInto(c, location, value);
  return verdictOf(c);
}

function inspectInto(c: Collector, location: RequestLocation, value: string): void {
  switch (location) {
    case 'param_name':
      judgeKey(c, value, undefined, location, value);
      return;
    case 'json_body':
      inspectJson(c, value);
      return;
    case 'query_string':
      inspectQueryString(c, value);
      return;
    case 'xml_body':
      inspectXml(c, value);
      return;
    case 'cookie':
      inspectCookie(c, value);
      return;
    case 'path':
      inspectPath(c, value);
      return;
    case 'any':
    case 'query':
    case 'body_form':
    case 'header':
    case 'raw_body':
    case 'multipart_value':
    case 'multipart_filename':
      judgeValue(c, value, location, '');
      return;
  }
}

function inspectJson(c: Collector, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON after all: whatever reads it gets text.
    judgeValue(c, text, 'json_body', '');
    return;
  }
  walk(c, parsed, 'json_body', '', 0);
}

function inspectQueryString(c: Collector, raw: string): void {
  const pairs = parseQueryString(raw);
  const seen = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    if (c.keys > c.policy.maxKeys) break;
    judgeKey(c, k, undefined, 'query_string', k);
    judgeValue(c, v, 'query_string', k);
    const prior = seen.get(k);
    if (prior === undefined) seen.set(k, [v]);
    else prior.push(v);
  }
  // Parameter pollution: servers that join repeated keys see the joined text.
  for (const [k, vs] of seen) if (vs.length > 1) walk(c, vs, 'query_string', k, 0);
}

/**
 * An XML document: its markup judged for script, and the strings a parser hands the application judged as values.
 * Also used for raw (`text/plain`) bodies that are XML documents.
 */
export function inspectXml(c: Collector, xml: string): void {
  const markup = judgeXss(xml);
  if (markup !== null) {
    c.findings ??= [];
    c.findings.push({ ...markup, location: 'xml_body', path: '' });
    if (markup.score > c.score) c.score = markup.score;
  }
  const strings = xmlStrings(xml);
  for (let i = 0; i < strings.length; i++) judgeValue(c, strings[i]!, 'xml_body', `#${i}`);
}

function inspectCookie(c: Collector, header: string): void {
  judgeValue(c, header, 'cookie', '');
  if (header.indexOf('=') < 0) return;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    judgeKey(c, name, undefined, 'cookie', name);
    judgeValue(c, pair.slice(eq + 1).trim(), 'cookie', name);
  }
}

function inspectPath(c: Collector, path: string): void {
  judgeValue(c, path, 'path', '');
  const segments = path.split('/');
  if (segments.length < 3) return;
  // Real routes are a few segments deep; the whole path was judged above in any case.
  const n = Math.min(segments.length, 16);
  for (let i = 0; i < n; i++) if (segments[i]!.length > 0) judgeValue(c, segments[i]!, 'path', `/${i}`);
}
