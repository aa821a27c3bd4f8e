import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bayMentions } from '../../src/intake/bayMention.js';
import { paramsForDecision } from '../../src/intake/decisionParams.js';
import { detectEmergency } from '../../src/intake/emergency.js';
import { deviceIdPrefix, locationFromDeviceId } from '../../src/intake/locationDirectory.js';
import { locationMentions } from '../../src/intake/locationMention.js';
import { resolveParams } from '../../src/intake/params.js';
import { typoMatch } from '../../src/intake/text.js';
import { sameLocation } from '../../src/venue/bookingWindow.js';
import type { VenueLocation } from '../../src/venue/types.js';
import { message } from './helpers.js';

describe('bay mentions that name no bay', () => {
  it.each(['bay0 froze', '#0 froze', 'bay 0 please', 'bay no 0', 'zeroth bay', '0th bay', 'I was the third'])('%j names no bay', (text) => {
    expect(bayMentions(text)).toEqual([]);
  });

  it('reads "bay number N" as one mention and goes on after it', () => {
    expect(bayMentions('bay number 6 and bay 2')).toEqual([
      { bay: 6, form: 'noun_number', at: 0 },
      { bay: 2, form: 'noun_number', at: 4 },
    ]);
  });
});

describe('location mentions', () => {
  const venue: VenueLocation[] = [{ name: 'Park', aliases: ['the park', 'Station'] }, { name: '---', aliases: ['', 'Lakeview'] }, { name: 'Harbour Point' }];

  it('accepts a generic word as an alias, never as a lone location name', () => {
    expect(locationMentions('meet at the park', venue)).toEqual([{ location: 'Park', at: 2, how: 'alias' }]);
    expect(locationMentions('at the station', venue)).toEqual([{ location: 'Park', at: 2, how: 'alias' }]);
    expect(locationMentions('at park', venue)).toEqual([]);
  });

  it('finds a location by an alias when its name has no words, and skips empty aliases', () => {
    expect(locationMentions('see you at lakeview', venue)).toEqual([{ location: '---', at: 3, how: 'alias' }]);
  });

  it('matches a multi-word name only when all its words are there, or one distinctive word', () => {
    expect(locationMentions('harbour point it is', venue)).toEqual([{ location: 'Harbour Point', at: 0, how: 'exact' }]);
    expect(locationMentions('going to harbour', venue)).toEqual([{ location: 'Harbour Point', at: 2, how: 'exact' }]);
    expect(locationMentions('near the point', venue)).toEqual([]);
  });

  it('has no device code for an id without letters or digits', () => {
    expect(deviceIdPrefix('---')).toBeNull();
    expect(locationFromDeviceId('---', [{ name: 'X', code: 'x' }])).toBeNull();
  });
});

describe('typoMatch', () => {
  it('matches every word to itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), (w) => {
        expect(typoMatch(w, w)).toBe(true);
      }),
    );
  });
});

describe('golf talk around a figurative cue', () => {
  it('reads "scorched" next to a shot as golf, and on an outlet as fire', () => {
    expect(detectEmergency('that shot was scorched')).toMatchObject({ emergency: false });
    expect(detectEmergency('the outlet is scorched')).toMatchObject({ emergency: true, category: 'fire' });
  });
});

describe('decision parameters without a booking or a location', () => {
  const venue: VenueLocation[] = [{ name: 'Dartmouth', code: 'dar' }];

  it('offers a session extension for the bay the customer names when there is no booking', () => {
    const e = message('can we get 30 more minutes in bay 2 at dartmouth');
    expect(paramsForDecision('extend_session_link', e, resolveParams(e, venue))).toEqual({ location: 'Dartmouth', bay: 2 });
  });
});

describe('sameLocation', () => {
  it('never matches a missing location, not even another missing one', () => {
    for (const [a, b] of [[null, null], [undefined, 'Dartmouth'], ['Dartmouth', null], [undefined, undefined]] as const) expect(sameLocation(a, b)).toBe(false);
    expect(sameLocation(' dartmouth ', 'Dartmouth')).toBe(true);
  });
});
