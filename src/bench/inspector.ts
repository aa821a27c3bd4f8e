import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CorpusRecord, parseCorpusLine } from '../security/inspector/corpus.js';
import { inspectRequestPart } from '../security/inspector/part.js';
import { defaultPolicy } from '../security/inspector/policy.js';
import { createRequestInspector, type ParsedRequest } from '../security/inspector/request.js';
import { type Bench, figure } from './types.js';

/** The DEV corpus beside the checkout when present (`CLUBOS_ATTACK_CORPUS` overrides), else the shipped slice. */
function corpusPath(): string {
  const candidates = [process.env.CLUBOS_ATTACK_CORPUS, resolve('../shared/data/attacks/dev.jsonl'), resolve('test/fixtures/attacks/slice.jsonl')];
  for (const c of candidates) if (c !== undefined && c.length > 0 && existsSync(c)) return c;
  throw new Error('no attack corpus found: set CLUBOS_ATTACK_CORPUS');
}

/** Runs `pass` repeatedly for about `ms` milliseconds; returns passes per second. */
function rate(pass: () => void, ms: number): number {
  pass(); // warm-up: JIT and lazy regex compilation are not what we measure
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    pass();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/**
 * The cheapest honest pre-filter over the same payloads: the parse a structured location needs
 * anyway (JSON.parse, splitting a query string) and one character scan for markup/quote/shell
 * characters. The inspector's cost is reported relative to this floor.
 */
function baselinePass(records: readonly CorpusRecord[]): number {
  let suspicious = 0;
  for (const r of records) {
    if (r.location === 'json_body') {
      try {
        JSON.parse(r.payload);
      } catch {
        suspicious++;
      }
    } else if (r.location === 'query_string') suspicious += r.payload.split('&').length;
    const p = r.payload;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c === 60 || c === 39 || c === 34 || c === 59 || c === 36 || c === 124 || c === 96) suspicious++;
    }
  }
  return suspicious;
}

const typicalRequest: ParsedRequest = {
  query: { bay: '3', from: '2026-03-01T10:00', to: '2026-03-01T11:30' },
  params: { siteId: 'downtown' },
  headers: {
    'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)',
    accept: 'application/json',
    'content-type': 'application/json',
    'x-request-id': '7f1c2b9e-4a0d-4c1e-9f55-0b7d3c2a9e11',
  },
  cookies: { session: 'a1b2c3d4e5f6g7h8i9j0' },
  body: { text: "can't get in -- door's locked & it's bay 3, select a time 'please'", channel: 'sms', players: ['Sam', "O'Brien"] },
};

export const bench: Bench = async () => {
  const records = readFileSync(corpusPath(), 'utf8')
    .split('\n')
    .map(parseCorpusLine)
    .filter((r): r is CorpusRecord => r !== null);
  let sink = 0;
  const inspectorPasses = rate(() => {
    for (const r of records) if (inspectRequestPart(r.location, r.payload, defaultPolicy).verdict !== 'clean') sink++;
  }, 3000);
  const baselinePasses = rate(() => {
    sink += baselinePass(records);
  }, 1000);
  const inspectRequest = createRequestInspector();
  // Each request carries its own message text (as real traffic does); headers repeat.
  const requests = Array.from({ length: 1000 }, (_, i) => ({ ...typicalRequest, body: { ...(typicalRequest.body as object), text: `${i}: can't get in -- door's locked & it's bay ${i % 8}, select a time 'please'` } }));
  const requestsPerS = rate(() => {
    for (const r of requests) if (inspectRequest(r, defaultPolicy).verdict !== 'clean') sink++;
  }, 1000);
  const stringifyPerS = rate(() => {
    for (let i = 0; i < 1000; i++) sink += JSON.stringify(typicalRequest).length;
  }, 1000);
  const note = `${records.length} payloads (${sink > 0 ? 'checked' : 'unchecked'})`;
  return [
    figure({
      id: 'inspector.payloads_per_s.corpus',
      value: Math.round(inspectorPasses * records.length),
      unit: 'payloads/s',
      baseline: { label: 'parse + one character scan over the same payloads', value: Math.round(baselinePasses * records.length) },
      better: 'higher',
      note,
    }),
    figure({
      id: 'inspector.us_per_clean_request',
      value: 1000 / requestsPerS,
      unit: 'µs/request',
      baseline: { label: 'JSON.stringify of the same parsed request', value: 1000 / stringifyPerS },
      better: 'lower',
      note: 'createRequestInspector on typical clean booking requests (query, params, 4 headers, cookie, JSON body with a distinct customer text)',
    }),
  ];
};
