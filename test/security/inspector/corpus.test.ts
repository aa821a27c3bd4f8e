import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspect } from '../../../src/cli/inspect.js';
import type { CliIO } from '../../../src/cli/io.js';
import { type CorpusRecord, inHoldout, parseCorpusLine, scoreCorpus } from '../../../src/security/inspector/corpus.js';
import { defaultPolicy } from '../../../src/security/inspector/policy.js';

const slicePath = new URL('../../fixtures/attacks/slice.jsonl', import.meta.url).pathname;
const records = readFileSync(slicePath, 'utf8')
  .split('\n')
  .map(parseCorpusLine)
  .filter((r): r is CorpusRecord => r !== null);

describe('corpus slice (stratified from the DEV corpus)', () => {
  const { summary } = scoreCorpus(records, defaultPolicy, () => performance.now());

  it('detects core SQL injection and XSS at the targets', () => {
    expect(summary.attack.core_by_kind.sqli!.rate).toBeGreaterThanOrEqual(0.97);
    expect(summary.attack.core_by_kind.xss!.rate).toBeGreaterThanOrEqual(0.97);
  });

  it('detects every other core kind at 95 % or more', () => {
    for (const kind of ['ssti', 'prototype_pollution', 'command_injection', 'path_traversal', 'nosql_injection', 'code_injection']) {
      expect({ kind, rate: summary.attack.core_by_kind[kind]!.rate }).toEqual({ kind, rate: expect.any(Number) });
      expect(summary.attack.core_by_kind[kind]!.rate, kind).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('flags at most 0.1 % of normal and 2 % of hard benign items, and no customer-style item', () => {
    expect(summary.benign.by_tier.normal!.rate).toBeLessThanOrEqual(0.001);
    expect(summary.benign.by_tier.hard!.rate).toBeLessThanOrEqual(0.02);
    expect(summary.benign.customer_style.flagged).toBe(0);
  });
});

describe('inHoldout', () => {
  it('splits stably and close to the asked fraction', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `dev-${String(i).padStart(5, '0')}`);
    const held = ids.filter((id) => inHoldout(id, 42, 0.3));
    expect(held.length / ids.length).toBeGreaterThan(0.27);
    expect(held.length / ids.length).toBeLessThan(0.33);
    expect(ids.filter((id) => inHoldout(id, 42, 0.3))).toEqual(held);
    expect(ids.filter((id) => inHoldout(id, 7, 0.3))).not.toEqual(held);
  });
});

function captureIO(): { io: CliIO; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false }, out, err };
}

describe('clubos inspect', () => {
  it('prints exactly one JSON object as the last line with --json, with the documented keys', async () => {
    const { io, out } = captureIO();
    expect(await inspect([slicePath, '--json'], io)).toBe(0);
    const result = JSON.parse(out[out.length - 1]!);
    expect(Object.keys(result)).toEqual(['attack', 'benign', 'payloads_per_s']);
    expect(Object.keys(result.attack)).toEqual(expect.arrayContaining(['n', 'detected', 'rate', 'by_kind', 'by_tier']));
    expect(Object.keys(result.benign.by_tier).sort()).toEqual(['hard', 'normal']);
    expect(result.attack.n + result.benign.n).toBe(records.length);
    expect(result.payloads_per_s).toBeGreaterThan(0);
  });

  it('prints human lines by default and inspects only the held-out part with --split heldout', async () => {
    const { io, out } = captureIO();
    expect(await inspect([slicePath, '--split', 'heldout'], io)).toBe(0);
    expect(out[0]).toMatch(/^attacks detected: \d+\/\d+/);
    const held = records.filter((r) => inHoldout(r.id, 42, 0.3));
    const attacks = held.filter((r) => r.expected === 'attack').length;
    expect(out[0]).toContain(`/${attacks} (`);
  });

  it('counts detections the same under a flag-only policy', async () => {
    const block = captureIO();
    const flag = captureIO();
    await inspect([slicePath, '--json'], block.io);
    await inspect([slicePath, '--json', '--mode', 'flag'], flag.io);
    const a = JSON.parse(block.out.at(-1)!);
    const b = JSON.parse(flag.out.at(-1)!);
    expect(b.attack.detected).toBe(a.attack.detected);
    expect(b.benign.flagged).toBe(a.benign.flagged);
    expect(Object.keys(a.attack.by_kind)).toEqual(['sqli', 'xss', 'ssti', 'prototype_pollution', 'command_injection', 'path_traversal', 'nosql_injection', 'code_injection']);
  });

  it('fails with a usage message and exit 2 without a corpus, and exit 1 on an unreadable one', async () => {
    const none = captureIO();
    expect(await inspect([], none.io)).toBe(2);
    expect(none.err.join('\n')).toContain('usage: clubos inspect');
    const missing = captureIO();
    expect(await inspect(['/nonexistent/corpus.jsonl'], missing.io)).toBe(1);
  });
});
