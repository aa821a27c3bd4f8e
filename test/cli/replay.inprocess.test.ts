import { describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';

const fixture = (name: string) => new URL(`../fixtures/decisions/${name}`, import.meta.url).pathname;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await replay(args, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out, err };
}

describe('clubos replay in-process: what it refuses', () => {
  it.each([
    ['no stream', [], /^usage: clubos replay STREAM\.jsonl/],
    ['two streams', [fixture('venue.head300.jsonl'), fixture('banking77.head1200.jsonl')], /^usage: clubos replay STREAM\.jsonl/],
    ['an unknown operator model', [fixture('venue.head300.jsonl'), '--operator', 'sleepy'], /^--operator must be absent or attentive$/],
    ['a negative feedback delay', [fixture('venue.head300.jsonl'), '--feedback-delay', '-1'], /^--feedback-delay must be a non-negative integer$/],
    ['a fractional feedback delay', [fixture('venue.head300.jsonl'), '--feedback-delay', '1.5'], /^--feedback-delay must be a non-negative integer$/],
  ])('%s: the usage, exit 2, nothing replayed', async (_what, args, message) => {
    const { code, out, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(message)]);
    expect(out).toEqual([]);
  });

  it('a stream or warm-up file that cannot be read fails with exit 1, naming the cause', async () => {
    const missing = await run([fixture('missing.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([expect.stringMatching(/^replay failed: ENOENT.*missing\.jsonl/)]);
    const warm = await run([fixture('venue.head300.jsonl'), '--warm', fixture('missing-warm.jsonl')]);
    expect(warm.code).toBe(1);
    expect(warm.err).toEqual([expect.stringMatching(/^replay failed: ENOENT.*missing-warm\.jsonl/)]);
  });
});
