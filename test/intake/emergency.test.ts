import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectEmergency } from '../../src/intake/emergency.js';
import { typoMatch } from '../../src/intake/text.js';

// Wording that is NOT in the DEV stream: the hidden stream words emergencies its own way.
const emergencies: readonly [string, string][] = [
  ['my buddy passed out in bay 2', 'medical'],
  ['guy got smacked in the head by a club, bleeding', 'medical'],
  ['someone is having a seizure', 'medical'],
  ["my wife can't breathe", 'medical'],
  ['CALL AN AMBULANCE', 'medical'],
  ["he's not breathing", 'medical'],
  ['my son broke his arm', 'medical'],
  ['kid fell and hit his head on the floor', 'medical'],
  ['i think my dad is having a stroke', 'medical'],
  ['a woman fainted near the door', 'medical'],
  ['my dad is havimg chest panis', 'medical'],
  ['the projector is on fire', 'fire'],
  ['flames coming out of the pc', 'fire'],
  ['smoke coming from behind the screen', 'fire'],
  ['it smells like burnt plastic', 'fire'],
  ['the outlet is sparking', 'fire'],
  ["there's a fire in bay 3", 'fire'],
  ['the smoke alarm keeps going off', 'fire'],
  ['the bathroom is flooded', 'flood'],
  ['pipe burst, water everywhere', 'flood'],
  ['water leaking from the ceiling all over the floor', 'flood'],
  ["we're trapped inside", 'trapped'],
  ['the door is jammed and we cant get out', 'trapped'],
  ['we are locked inside the building', 'trapped'],
  ['emergency exit is blocked and locked', 'trapped'],
  ['i got locked in the washroom', 'trapped'],
  ['someone broke in', 'threat'],
  ["there's a man with a knife outside", 'threat'],
  ['someone is trying to braek into the building', 'threat'],
  ["guy outside yelling at us, we're scared, he won't leave", 'threat'],
  ['two guys attacked us', 'threat'],
  ['i smell gas', 'gas'],
  ['smell of gas in the washroom', 'gas'],
  ['carbon monoxide detector beeping', 'gas'],
  ['call 911', 'unspecified'],
  ['this is an emergency', 'unspecified'],
];

const notEmergencies: readonly string[] = [
  "we're on fire tonight",
  'this bay is killing me',
  'dying to play this weekend',
  'my buddy is killing it',
  'that drive was fire',
  'that shot was fire 🔥',
  "i'm on fire today",
  'smoke show off the tee',
  'trapped in the bunker again lol',
  'help, my slice is a disaster lol',
  "we're dying laughing",
  'can we smoke on the patio?',
  'is smoking allowed',
  'no water in the fridge',
  'sink is dripping',
  'the toilet is clogged',
  "someone spilled water all over the floor of bay 2",
  "door won't open",
  'locked out at the front door',
  "my wallet is still inside, door won't open",
  'stuck outside, code not working',
  "I'm stuck on the loading screen",
  'trackman not responding',
  'the pc is unresponsive',
  'NinjaOne watchdog: UI thread hung bay=1 duration=180s',
  'the projector keeps turning off',
  'a faint line across the screen',
  'a chair is broken in bay 1',
  'is there an emergency exit?',
  'is there a fire exit',
  'gas station nearby?',
  "a group came in after us and won't leave",
  'someone tried the door handle a bunch of times, kinda sketchy',
  'we got hit with a no show fee',
  'no one is hurt, just a broken chair',
  'false alarm, the fire alarm test is done',
];

describe('detectEmergency', () => {
  it.each(emergencies)('flags %j as %s', (text, category) => {
    const verdict = detectEmergency(text);
    expect(verdict.emergency).toBe(true);
    expect(verdict.category).toBe(category);
    expect(verdict.matched.length).toBeGreaterThan(0);
  });

  it.each(notEmergencies)('does not flag %j', (text) => {
    expect(detectEmergency(text).emergency).toBe(false);
  });

  it('never loses an emergency when urgency words or shouting are added', () => {
    fc.assert(
      fc.property(fc.constantFrom(...emergencies.map(([t]) => t)), fc.constantFrom(' please hurry', ' HELP', '!!', ' call someone', ''), fc.boolean(), (text, tail, shout) => {
        const written = shout ? (text + tail).toUpperCase() : text + tail;
        expect(detectEmergency(written).emergency).toBe(true);
      }),
    );
  });

  it('cannot be made an emergency by urgency words alone', () => {
    fc.assert(
      fc.property(fc.subarray(['help', 'please', 'hurry', 'now', 'asap', 'urgent', 'quick']), (urgency) => {
        expect(detectEmergency(`the trackman froze ${urgency.join(' ')}`).emergency).toBe(false);
      }),
    );
  });
});

describe('typoMatch', () => {
  it('accepts one slip but keeps the first letter and different words apart', () => {
    expect(typoMatch('braek', 'break')).toBe(true);
    expect(typoMatch('bleedng', 'bleeding')).toBe(true);
    expect(typoMatch('smokking', 'smoking')).toBe(true);
    expect(typoMatch('blood', 'flood')).toBe(false);
    expect(typoMatch('turning', 'burning')).toBe(false);
    expect(typoMatch('thread', 'threat')).toBe(false);
    expect(typoMatch('fire', 'fore')).toBe(false);
  });
});
