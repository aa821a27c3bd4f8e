import { describe, expect, it } from 'vitest';
import { type CorpusRecord, parseCorpusLine, scoreCorpus } from '../../../src/security/inspector/corpus.js';
import { defaultPolicy } from '../../../src/security/inspector/policy.js';
import { inspectRequest } from '../../../src/security/inspector/request.js';

describe('inspecting request headers', () => {
  it('skips headers without a value and judges each Cookie header line, keeping the worst score', () => {
    const v = inspectRequest({ headers: { 'x-empty': undefined, cookie: ["id=1' or '1'='1", 'session=abc123', "q=1' or '1'='1"] } }, defaultPolicy);
    expect(v.verdict).toBe('block');
    expect(new Set(v.findings.map((f) => `${f.kind} in ${f.location}`))).toEqual(new Set(['sqli in cookie']));
    const alone = inspectRequest({ headers: { cookie: ["id=1' or '1'='1"] } }, defaultPolicy);
    expect(v.score).toBe(alone.score);
    expect(v.findings).toHaveLength(2 * alone.findings.length);
  });

  it('does not judge the Cookie header again when the cookies were parsed separately', () => {
    const v = inspectRequest({ headers: { cookie: "id=1' or '1'='1" }, cookies: { id: 'plain' } }, defaultPolicy);
    expect(v.verdict).toBe('clean');
  });

  it('places findings of a form-encoded body under body_form', () => {
    const v = inspectRequest({ body: { note: "1' or '1'='1" }, bodyFormat: 'form' }, defaultPolicy);
    expect(v.findings.map((f) => [f.location, f.path])).toContainEqual(['body_form', 'body.note']);
  });

  it('passes ordinary cookie lines', () => {
    const v = inspectRequest({ headers: { cookie: ['session=abc123', 'theme=dark; lang=en'], 'x-empty': undefined } }, defaultPolicy);
    expect(v).toMatchObject({ verdict: 'clean', findings: [], score: 0 });
  });
});

describe('scoring a corpus', () => {
  const rec = (over: Partial<CorpusRecord>): CorpusRecord =>
    ({ id: 'x', payload: 'bay 3', kind: 'sqli', expected: 'benign', location: 'json_body', tier: 'normal', source: 'synthetic', ...over }) as CorpusRecord;

  it('counts flagged benign items per tier (including the extended tier it does not pre-list) and as customer-style when they came from real messages', () => {
    const records = [
      rec({ id: 'b1', payload: "1' or '1'='1", source: 'original:sms', tier: 'hard' }),
      rec({ id: 'b2', payload: 'see you at 5', source: 'original:sms' }),
      rec({ id: 'b3', payload: '<script>alert(1)</script>', tier: 'extended' }),
      rec({ id: 'a1', payload: "1' or '1'='1", expected: 'attack' }),
    ];
    const { summary, falsePositives, misses } = scoreCorpus(records, defaultPolicy, () => 0);
    expect(summary.benign).toMatchObject({ n: 3, flagged: 2, rate: 0.6667, customer_style: { n: 2, flagged: 1, rate: 0.5 } });
    expect(summary.benign.by_tier).toEqual({
      normal: { n: 1, flagged: 0, rate: 0 },
      hard: { n: 1, flagged: 1, rate: 1 },
      extended: { n: 1, flagged: 1, rate: 1 },
    });
    expect(falsePositives.map((m) => m.record.id)).toEqual(['b1', 'b3']);
    expect(misses).toEqual([]);
    expect(summary.attack).toMatchObject({ n: 1, detected: 1, rate: 1 });
  });

  it('reports zero rates, not NaN, for an empty corpus', () => {
    const { summary } = scoreCorpus([], defaultPolicy, () => 0);
    expect(summary.attack.rate).toBe(0);
    expect(summary.benign.rate).toBe(0);
    expect(summary.attack.by_kind.sqli).toEqual({ n: 0, detected: 0, rate: 0 });
  });

  it('refuses lines that are not corpus records', () => {
    expect(parseCorpusLine('   ')).toBeNull();
    expect(() => parseCorpusLine('{"payload":1,"expected":"attack","location":"json_body"}')).toThrow('not a corpus record');
    expect(() => parseCorpusLine('{"payload":"x","expected":"maybe","location":"json_body"}')).toThrow('not a corpus record');
    expect(() => parseCorpusLine('{"payload":"x","expected":"benign","location":"carrier_pigeon"}')).toThrow('unknown location carrier_pigeon');
  });
});
