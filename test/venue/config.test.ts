import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config.js';

describe('venue configuration', () => {
  it('reads the OpenPhone webhook secret and the default booking link, both optional', () => {
    const key = Buffer.alloc(24, 7).toString('base64');
    const c = parseConfig({ OPENPHONE_WEBHOOK_SECRET: key, BOOKING_URL: 'https://book.example.com' });
    expect(c.secrets.openPhoneWebhookSecret).toBe(key);
    expect(c.venue.bookingUrl).toBe('https://book.example.com');
    expect(parseConfig({}).secrets.openPhoneWebhookSecret).toBeNull();
    expect(parseConfig({}).venue.bookingUrl).toBeNull();
  });

  it('refuses a short or non-base64 secret without echoing it, and a non-http booking link', () => {
    for (const bad of ['c2hvcnQ=', 'not base64 at all!']) {
      const err = (() => {
        try {
          parseConfig({ OPENPHONE_WEBHOOK_SECRET: bad });
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).not.toContain(bad);
    }
    expect(() => parseConfig({ BOOKING_URL: 'ftp://book.example.com' })).toThrow(ConfigError);
  });
});
