import { type Collector, newCollector, verdictOf, walk } from './collect.js';
import { inspectRequestPart } from './part.js';
import type { InspectorPolicy, Verdict } from './types.js';

/** A request as the HTTP framework parsed it; every part is optional. */
export interface ParsedRequest {
  readonly query?: unknown;
  readonly params?: unknown;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly cookies?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

/** Headers that carry credentials or framing, not user text; judging them only costs time. */
const skippedHeaders = new Set(['authorization', 'proxy-authorization', 'content-length', 'host', 'connection', 'accept-encoding']);

/**
 * Inspects a whole parsed request: query, route params, headers, cookies and body, keys as well
 * as values, with depth and key-count limits; repeated parameters are also judged joined.
 * @example inspectRequest({ query: { q: "1' or '1'='1" } }, defaultPolicy).verdict // 'block'
 */
export function inspectRequest(req: ParsedRequest, policy: InspectorPolicy): Verdict {
  const c = newCollector(policy);
  if (req.query !== undefined) walk(c, req.query, 'query', 'query', 0);
  if (req.params !== undefined) walk(c, req.params, 'path', 'params', 0);
  if (req.headers !== undefined) inspectHeaders(c, req.headers, req.cookies === undefined);
  if (req.cookies !== undefined) walk(c, req.cookies, 'cookie', 'cookies', 0);
  if (typeof req.body === 'string') walk(c, req.body, 'raw_body', 'body', 0);
  else if (req.body !== undefined) walk(c, req.body, 'json_body', 'body', 0);
  return verdictOf(c);
}

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
