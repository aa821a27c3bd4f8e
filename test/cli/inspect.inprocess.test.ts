import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspect } from '../../src/cli/inspect.js';
import type { CliIO } from '../../src/cli/io.js';

function capture(interactive = false): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'clubos-inspect-inproc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny labelled corpus: one attack the inspector catches, one it cannot see (plain words), two benign texts. */
const corpus = join(dir, 'corpus.jsonl');
writeFileSync(
  corpus,
  [
    { id: 'a1', expected: 'attack', kind: 'sqli', tier: 'core', location: 'any', source: 'test', payload: "1' OR '1'='1' --" },
    { id: 'a2', expected: 'attack', kind: 'sqli', tier: 'extended', location: 'any', source: 'test', payload: 'please drop everything' },
    { id: 'b1', expected: 'benign', kind: 'benign_text', tier: 'normal', location: 'any', source: 'test', payload: 'trackman frozen in bay 3' },
    { id: 'b2', expected: 'benign', kind: 'benign_text', tier: 'normal', location: 'any', source: 'test', payload: 'can I bring 2 guests?' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);

describe('clubos inspect in-process', () => {
  it('lists the missed attacks with --show-misses, and says how many payloads it inspects on a terminal', async () => {
    const io = capture(true);
    expect(await inspect([corpus, '--show-misses', '5'], io)).toBe(0);
    expect(io.stderr).toEqual(['inspecting 4 payloads…']);
    expect(io.stdout[0]).toBe('attacks detected: 1/2 (50.00 %)');
    const misses = io.stdout.indexOf('missed attacks:');
    expect(io.stdout.slice(misses + 1, io.stdout.indexOf('flagged benign:'))).toEqual([expect.stringMatching(/^ {2}a2 extended sqli any \| "please drop everything"$/)]);
    // Neither benign text was flagged: the list after the heading is empty.
    expect(io.stdout.at(-1)).toBe('flagged benign:');
    expect(io.stdout[misses - 1]).toMatch(/^throughput: [\d.]+ payloads\/s$/);
  });

  it('keeps the summary as the only output with --json, whatever --show-misses says', async () => {
    const io = capture();
    expect(await inspect([corpus, '--show-misses', '5', '--json'], io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ attack: { n: 2, detected: 1 }, benign: { n: 2, flagged: 0 } });
  });

  it('answers an unknown option, a missing corpus or a bad --split with the usage (exit 2), an unreadable corpus with exit 1', async () => {
    const unknown = capture();
    expect(await inspect([corpus, '--fast'], unknown)).toBe(2);
    expect(unknown.stderr[0]).toMatch(/^unknown option --fast\nusage: clubos inspect CORPUS\.jsonl/);
    for (const args of [[], [corpus, '--split', 'test'], [corpus, '--mode', 'shout']]) {
      const io = capture();
      expect(await inspect(args, io)).toBe(2);
      expect(io.stderr).toEqual([expect.stringMatching(/^usage: clubos inspect/)]);
    }
    const missing = capture();
    expect(await inspect([join(dir, 'nope.jsonl')], missing)).toBe(1);
    expect(missing.stderr).toEqual([expect.stringMatching(/^cannot read corpus .*nope\.jsonl: ENOENT/)]);
  });
});
