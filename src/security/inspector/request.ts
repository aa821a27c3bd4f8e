import { type Collector, type JudgementCache, newCollector, verdictOf, walk } from './collect.js';
import { inspectRequestPart, inspectXml } from './part.js';
import type { InspectorPolicy, Verdict } from './types.js';

/** A request as the HTTP framework parsed it; every part is optional. */
export interface ParsedRequest {
  readonly query?: unknown;
  readonly params?: unknown;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly cookies?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** A body parsed from `application/x-www-form-urlencoded` (findings say `body_form`); JSON otherwise. */
  readonly bodyFormat?: 'json' | 'form';
}

/**
 * Headers that carry credentials or framing the server parses itself, not user text; judging
 * them only costs time. User-Agent, Referer, Origin, Cookie and custom headers are judged.
 */
const skippedHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'content-length',
  'host',
  'connection',
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'pragma',
  'if-none-match',
  'if-modified-since',
  'upgrade-insecure-requests',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-user',
  'sec-ch-ua-mobile',
  'priority',
]);

/**
 * Inspects a whole parsed request: query, route params, headers, cookies and body, keys as well
 * as values, with depth and key-count limits; repeated parameters are also judged joined.
 * @example inspectRequest({ query: { q: "1' or '1'='1" } }, defaultPolicy).verdict // 'block'
 */
export function inspectRequest(req: ParsedRequest, policy: InspectorPolicy, cache?: JudgementCache): Verdict {
  const c = newCollector(policy, cache);
  if (req.query !== undefined) walk(c, req.query, 'query', 'query', 0);
  if (req.params !== undefined) walk(c, req.params, 'path', 'params', 0);
  if (req.headers !== undefined) inspectHeaders(c, req.headers, req.cookies === undefined);
  if (req.cookies !== undefined) walk(c, req.cookies, 'cookie', 'cookies', 0);
  if (typeof req.body === 'string') {
    walk(c, req.body, 'raw_body', 'body', 0);
    // A raw body that is an XML document hides values in attributes and text (percent- or entity-encoded
    // separately): judge those as an XML parser would hand them over, as for an XML body.
    if (XML_START.test(req.body)) inspectXml(c, req.body);
  }
  else if (req.body !== undefined) walk(c, req.body, req.bodyFormat === 'form' ? 'body_form' : 'json_body', 'body', 0);
  return verdictOf(c);
}

const XML_START = /^\s*<[?!A-Za-z]/;

function inspectHeaders(c: Collector, headers: NonNullable<ParsedRequest['headers']>, parseCookie: boolean): void {
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (skippedHeaders.has(lower)) continue;
    const raw = headers[name];
    if (raw === undefined) continue;
    if (lower === 'cookie') {
      if (parseCookie) for (const v of typeof raw === 'string' ? [raw] : raw) merge(c, inspectRequestPart('cookie', v, c.policy));
      continue;
    }
    walk(c, raw, 'header', `headers.${lower}`, 0);
  }
}

function merge(c: Collector, v: Verdict): void {
  if (v.findings.length === 0) return;
  c.findings ??= [];
  c.findings.push(...v.findings);
  if (v.score > c.score) c.score = v.score;
}

/**
 * An inspector for one server: `inspectRequest` with its own bounded memo of recent judgements
 * (user agents and referers repeat across requests). Build one per app instance, not per request.
 * @example const inspect = createRequestInspector(1024); inspect(req, policyFor('block')).verdict
 */
export function createRequestInspector(capacity = 1024): (req: ParsedRequest, policy: InspectorPolicy) => Verdict {
  const cache: JudgementCache = { entries: new Map(), capacity };
  return (req, policy) => inspectRequest(req, policy, cache);
}
