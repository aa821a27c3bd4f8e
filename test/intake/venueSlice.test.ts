import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatAgreement, measureVenueAgreement } from '../../src/intake/agreement.js';

// 451 lines of venue.dev (see test/fixtures/venue/README.md): every device event and emergency.
const lines = readFileSync(new URL('../fixtures/venue/venue.dev.slice.jsonl', import.meta.url), 'utf8').split('\n');
const report = measureVenueAgreement(lines);

describe('intake helpers on the venue.dev slice', () => {
  it('parses every line', () => {
    expect(report.lines).toBe(451);
    expect(report.invalid).toEqual([]);
  });

  it('flags every emergency and no other event', () => {
    expect(report.emergencyRecall).toEqual({ hit: 122, n: 122 });
    expect(report.emergencyFalsePositives.hit).toBe(0);
  });

  it('resolves the labelled location, bay and booking of every line', () => {
    expect(report.eventLocation.hit).toBe(report.eventLocation.n);
    expect(report.eventBay.hit).toBe(report.eventBay.n);
    expect(report.decisionParams).toEqual({ hit: 451, n: 451 });
    expect(report.unlockAllowed).toEqual({ hit: 451, n: 451 });
  });

  it('classifies every device line, its unit and the outage label', () => {
    expect(report.deviceLineType).toEqual({ hit: 219, n: 219 });
    expect(report.deviceUnit.hit).toBe(report.deviceUnit.n);
    expect(report.outage).toEqual({ hit: 219, n: 219 });
  });

  it('formats one line per measure', () => {
    expect(formatAgreement(report)[0]).toBe('lines 451 (0 invalid)');
  });
});
