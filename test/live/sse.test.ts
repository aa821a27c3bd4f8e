import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sseFrame } from '../../src/live/sse.js';

/** A minimal EventSource parser (WHATWG HTML §9.2.6) for one frame. */
function parse(frame: string): { id?: string; event?: string; data: string } {
  expect(frame.endsWith('\n\n')).toBe(true);
  const out: { id?: string; event?: string; data: string[] } = { data: [] };
  for (const line of frame.slice(0, -2).split(/\r\n|\r|\n/)) {
    const i = line.indexOf(':');
    const field = line.slice(0, i);
    const value = line.slice(i + 1).replace(/^ /, '');
    if (field === 'data') out.data.push(value);
    else if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
  }
  return { ...(out.id !== undefined ? { id: out.id } : {}), ...(out.event !== undefined ? { event: out.event } : {}), data: out.data.join('\n') };
}

describe('server-sent event frames', () => {
  it('carries any JSON value on one data line that parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.stringMatching(/^[a-z.]{1,20}$/), fc.nat(), (data, event, id) => {
        const frame = sseFrame({ id: String(id), event, data });
        const parsed = parse(frame);
        expect(parsed.id).toBe(String(id));
        expect(parsed.event).toBe(event);
        expect(JSON.parse(parsed.data)).toEqual(JSON.parse(JSON.stringify(data)));
        expect(frame.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(1);
      }),
    );
  });

  it('cannot be split by line breaks in customer-controlled strings', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const frame = sseFrame({ event: 'x', data: { text: `${text}\n\nevent: forged\ndata: {}\r\n` } });
        expect(parse(frame).event).toBe('x');
        expect(frame.indexOf('\n\n')).toBe(frame.length - 2);
      }),
    );
  });

  it('refuses an id or event name with a line break', () => {
    expect(() => sseFrame({ id: '1\n2', data: null })).toThrow();
    expect(() => sseFrame({ event: 'a\rb', data: null })).toThrow();
  });
});
