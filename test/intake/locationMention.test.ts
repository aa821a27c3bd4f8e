import { describe, expect, it } from 'vitest';
import { locationFromText, locationMentions } from '../../src/intake/locationMention.js';

const venue = [{ name: 'Bedford' }, { name: 'Dartmouth' }, { name: 'Riverside' }, { name: 'Harbour Point', aliases: ['the waterfront'] }];

describe('locationFromText', () => {
  it.each([
    ['Locked out at RIVERSIDE', 'Riverside'],
    ['at the bedford location, door stuck', 'Bedford'],
    ['At Dsrtmouth for our 3:30pm', 'Dartmouth'],
    ['dart spot, trackman froze', 'Dartmouth'],
    ['is the Harbour one open late', 'Harbour Point'],
    ['we are at the waterfront', 'Harbour Point'],
  ])('finds the location in %j', (text, location) => {
    expect(locationFromText(text, venue)).toBe(location);
  });

  it.each(['where do we park', 'what are your hours', 'the point is the screen is black', 'bed sheets?'])('finds none in %j', (text) => {
    expect(locationFromText(text, venue)).toBeNull();
  });

  it('lists several mentions earliest first', () => {
    expect(locationMentions('booked riverside but I am at bedford', venue).map((m) => m.location)).toEqual(['Riverside', 'Bedford']);
  });

  it('knows only the locations it is given', () => {
    expect(locationFromText('at riverside', [{ name: 'Bedford' }])).toBeNull();
  });
});
