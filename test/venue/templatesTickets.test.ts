import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TICKET_PRIORITIES } from '../../src/venue/ports.js';
import { placeholders, renderTemplate } from '../../src/venue/templateText.js';
import { SLA_RESPONSE_MINUTES, TICKET_STATES, TICKET_TRANSITIONS, canMoveTicket, isBreached, responseDue } from '../../src/venue/ticketSla.js';

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const plain = fc.string({ maxLength: 30 }).filter((s) => !s.includes('{{') && !s.includes('}}'));

describe('template rendering', () => {
  it('fills every placeholder with its value, verbatim, and never re-reads a value as a template (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(plain, name), { minLength: 1, maxLength: 5 }), plain, fc.string({ maxLength: 20 }), (parts, tail, value) => {
        const text = parts.map(([p, n]) => `${p}{{${n}}}`).join('') + tail;
        const values = Object.fromEntries(parts.map(([, n]) => [n, value]));
        expect(renderTemplate(text, values)).toEqual({ kind: 'rendered', text: parts.map(([p]) => `${p}${value}`).join('') + tail });
      }),
    );
  });

  it('refuses to render when any placeholder has no value, naming them all (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), fc.nat(), (names, cut) => {
        const given = names.slice(0, cut % names.length);
        const out = renderTemplate(names.map((n) => `{{ ${n} }}`).join(' and '), Object.fromEntries(given.map((n) => [n, 'x'])));
        expect(out).toEqual({ kind: 'missing', names: names.filter((n) => !given.includes(n)).sort() });
      }),
    );
  });

  it('does not take values from the prototype chain, and lists placeholders once in order', () => {
    expect(renderTemplate('{{constructor}}', {})).toEqual({ kind: 'missing', names: ['constructor'] });
    expect(placeholders('Hi {{location}}, see {{booking_link}} ({{location}})')).toEqual(['location', 'booking_link']);
    expect(renderTemplate('no placeholders', {})).toEqual({ kind: 'rendered', text: 'no placeholders' });
  });
});

describe('ticket SLA', () => {
  const T = new Date('2026-03-02T12:00:00Z');
  it('critical answers within 15 minutes … low within 24 hours, stricter for higher priority', () => {
    expect(SLA_RESPONSE_MINUTES).toEqual({ critical: 15, high: 60, medium: 240, low: 1440 });
    for (let i = 1; i < TICKET_PRIORITIES.length; i++) {
      expect(SLA_RESPONSE_MINUTES[TICKET_PRIORITIES[i - 1]!]).toBeLessThan(SLA_RESPONSE_MINUTES[TICKET_PRIORITIES[i]!]);
    }
  });

  it('a ticket is breached exactly when it is still open past its deadline and not marked yet (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TICKET_PRIORITIES), fc.constantFrom(...TICKET_STATES), fc.integer({ min: 0, max: 3000 }), fc.boolean(), (priority, state, minutes, marked) => {
        const due = responseDue(priority, T);
        const now = new Date(T.getTime() + minutes * 60_000);
        const breached = isBreached({ state, slaResponseDue: due, slaBreachedAt: marked ? now : null }, now);
        expect(breached).toBe(state === 'open' && !marked && minutes > SLA_RESPONSE_MINUTES[priority]);
      }),
    );
  });

  it('moves follow the table and a state never moves to itself', () => {
    for (const from of TICKET_STATES) for (const to of TICKET_STATES) expect(canMoveTicket(from, to)).toBe(TICKET_TRANSITIONS[from].includes(to) && from !== to);
    expect(canMoveTicket('resolved', 'in_progress')).toBe(false);
  });
});
