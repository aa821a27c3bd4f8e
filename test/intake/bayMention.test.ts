import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bayFromDeviceId, bayFromText, bayMentions } from '../../src/intake/bayMention.js';
import { NUMBER_WORDS, ORDINAL_WORDS } from '../../src/intake/text.js';

describe('bayFromText', () => {
  it.each([
    ['trackman frozen in bay 3', 3],
    ['Bay 4 projector off', 4],
    ['bay3 not tracking', 3],
    ['b2 side tv', 2],
    ['sim 1 froze', 1],
    ['simulator 4 is dead', 4],
    ['#3 stuck on the scorecard', 3],
    ['bay #2 lost picture', 2],
    ['the third one is frozen', 3],
    ['the second bay has no sound', 2],
    ['bay three trackman', 3],
    ['sim2 stopped reading', 2],
    ['3rd bay is broken', 3],
    ['box 5 screen black', 5],
    ['bay no. 6 froze', 6],
    ['BAY-2 down', 2],
  ])('reads %j as bay %i', (text, bay) => {
    expect(bayFromText(text)).toBe(bay);
  });

  it.each([
    'Froze again, that is the third time now',
    'my 7 iron went 250',
    'we hit like 10 balls',
    'can we come at 3am',
    'we have 8 people',
    'we are on hole 7',
    'last 5 min',
    'Extend 1 hr pls',
    'Can I bring 6 friends',
  ])('finds no bay in %j', (text) => {
    expect(bayFromText(text)).toBeNull();
  });

  it('returns the first of several mentions', () => {
    expect(bayMentions('moved from bay 2 to sim 4').map((m) => m.bay)).toEqual([2, 4]);
    expect(bayFromText('moved from bay 2 to sim 4')).toBe(2);
  });

  it('round-trips every written form of a random bay number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.constantFrom('bay {n}', 'Bay {n}', 'bay{n}', 'b{n}', 'sim {n}', 'simulator {n}', '#{n}', 'bay #{n}', 'the {ord} one', 'the {ord} bay', 'bay {word}', 'sim{n}', '{n}th bay'), fc.constantFrom('', 'trackman froze in ', 'hey '), (n, form, prefix) => {
        const mention = form.replace('{n}', String(n)).replace('{ord}', ORDINAL_WORDS[n]!).replace('{word}', NUMBER_WORDS[n]!);
        expect(bayFromText(`${prefix}${mention} please help`)).toBe(n);
      }),
    );
  });
});

describe('bayFromDeviceId', () => {
  it.each([
    ['DAR-B3-TPS', 3],
    ['riv.bay-02.proj', 2],
    ['HFX_BAY04_PC', 4],
    ['site1/sim3/tv', 3],
    ['BED-UPS', null],
    ['DAR-DOOR', null],
  ])('reads %s as %s', (id, bay) => {
    expect(bayFromDeviceId(id)).toBe(bay);
  });
});
