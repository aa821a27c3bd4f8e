import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectEmergency } from '../../src/intake/emergency.js';

/**
 * Fire words are golf praise as often as danger. The cue classifier must tell "my drive was on fire today" from
 * "the screen is on fire", and a real report must stay an emergency whatever golf talk or joking surrounds it.
 */

// Real reports: each names what burns or how the fire shows itself. Wording not copied from the venue stream.
const fires: readonly string[] = [
  "there's smoke coming from the projector",
  'fire in bay 2',
  'the screen is on fire',
  'smells like burning',
  'the projector is on fire',
  'flames coming out of the pc',
  'i see flames behind the tv',
  'the outlet is smoking hot',
  'smoke everywhere',
  'smoke in the hallway',
  'something is burning in here',
  'the wires behind the simulator are smoking',
  'the trackman unit caught fire',
  'the net is on fire',
  'SMOKE! the projector',
  'FIRE IN THE WASHROOM',
  'the heater in bay 4 is smoking',
  'flames in the parking lot, a car is on fire',
  'burning smell from the vent',
  "there's a fire",
  'fire!!',
];

// Praise and play: the same words about a shot, a club or a player.
const figures: readonly string[] = [
  'flames off the tee',
  'my drive was on fire today',
  'smoking hot round',
  'I was on fire today',
  "he's smoking everyone today",
  'my putter is on fire',
  'my irons are on fire today',
  'my game is on fire',
  'absolutely smoking the ball',
  'that was a smoking drive',
  'on fire off the tee',
  'smoking it off the tee',
  'absolute flames on that last hole',
  'flames on every hole today',
  'burning up the course today',
  "he's been smoking drives all night",
  'fire off the tee',
  'my putter is on fire lol',
  'my wedges have been on fire lately',
  'bro is burning it up',
];

describe('fire cues: danger or praise', () => {
  it.each(fires)('flags %j as a fire', (text) => {
    const v = detectEmergency(text);
    expect(v.emergency).toBe(true);
    expect(v.category).toBe('fire');
  });

  it.each(figures)('leaves %j alone', (text) => {
    expect(detectEmergency(text)).toMatchObject({ emergency: false, category: null, matched: [] });
  });

  it('keeps a real fire an emergency even next to golf talk that once hid it', () => {
    // "tonight" and "shot" are golf talk; the projector and the hallway make it real.
    expect(detectEmergency('the projector is on fire tonight').emergency).toBe(true);
    expect(detectEmergency('fire in bay 2 tonight').emergency).toBe(true);
    expect(detectEmergency('smoke in the hallway, shot clock still running').emergency).toBe(true);
  });
});

/** Golf talk, praise and jokes that people add around a message. */
const gameTalk = fc.constantFrom(' mid round', ' tonight', ' after my drive', ' on the 18th hole', ' lol', ' 🔥', ' today', ' haha', ' my putter', ' during our round');

describe('fire cue properties', () => {
  it('never loses a real fire report to golf talk, jokes, urgency or shouting around it', () => {
    const real = fires.filter((t) => t !== 'fire!!' && t !== "there's a fire");
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.option(gameTalk, { nil: '' }), gameTalk, fc.constantFrom('', ' please hurry', '!!'), fc.boolean(), (text, before, after, urgency, shout) => {
        const written = `${before.trim()} ${text}${after}${urgency}`;
        const v = detectEmergency(shout ? written.toUpperCase() : written);
        expect(v.emergency).toBe(true);
        expect(v.category).toBe('fire');
      }),
      { numRuns: 1500 },
    );
  });

  it('does not turn golf praise into a fire, whoever plays and however it is said', () => {
    const who = fc.constantFrom('my drive', 'my putter', 'my irons', 'my game', 'i', 'he', 'she', 'my buddy', 'bro', 'our foursome');
    const verb = fc.constantFrom('was', 'is', 'has been', 'were', 'is absolutely');
    const figure = fc.constantFrom('on fire', 'smoking hot', 'smoking it', 'smoking the ball', 'burning it up', 'flames');
    const where = fc.constantFrom('today', 'off the tee', 'all round', 'on the greens', 'this round', 'lately', 'with the irons');
    const tail = fc.constantFrom('', ' lol', ' 🔥', '!!', ' haha');
    fc.assert(
      fc.property(who, verb, figure, where, tail, (w, v, f, at, t) => {
        expect(detectEmergency(`${w} ${v} ${f} ${at}${t}`).emergency).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });
});
