import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../../src/cli/io.js';

describe('parseArgs', () => {
  const spec = { flags: ['json'], options: ['secret', 'corpus'] };

  it('keeps an inline value whole, "=" and all (base64 padding is part of a secret)', () => {
    const { options } = parseArgs(['--secret=QUJDREVG==', '--corpus=a=b=c'], spec);
    expect(options.get('secret')).toBe('QUJDREVG==');
    expect(options.get('corpus')).toBe('a=b=c');
  });

  it('reads the same value from the next argument, and an empty inline value as empty', () => {
    expect(parseArgs(['--secret', 'QUJDREVG=='], spec).options.get('secret')).toBe('QUJDREVG==');
    expect(parseArgs(['--secret='], spec).options.get('secret')).toBe('');
  });

  it('takes flags and positionals, and refuses unknown options and a missing value', () => {
    const parsed = parseArgs(['http://x', '--json'], spec);
    expect(parsed.positionals).toEqual(['http://x']);
    expect([...parsed.flags]).toEqual(['json']);
    expect(() => parseArgs(['--nope=1'], spec)).toThrow(UsageError);
    expect(() => parseArgs(['--secret'], spec)).toThrow('--secret needs a value');
  });
});
