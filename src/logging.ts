import pino, { type Logger } from 'pino';
import type { LogLevel } from './config/config.js';
import { currentCorrelationId } from './http/requestContext.js';

export type { Logger };

/** Paths whose values never reach a log line: credentials, keys, secrets, customer phone numbers. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["openphone-signature"]',
  'req.headers["x-csrf-token"]',
  'req.headers["x-clubos-signature"]',
  'res.headers["set-cookie"]',
  // The same fields at the top level of a log object and one level down (pino's `*` matches exactly one level).
  'password',
  'token',
  'secret',
  'apiKey',
  'key',
  'pepper',
  'phone',
  'phoneNumber',
  'from',
  'to',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.key',
  '*.pepper',
  '*.phone',
  '*.phoneNumber',
  '*.from',
  '*.to',
];

// E.164 (+15551234567) and North-American (555) 123-4567 / 555-123-4567 forms; dotted IPs do not match.
const PHONE = /\+\d{8,15}\b|\(?\b\d{3}\)?[ -]\d{3}[ .-]\d{4}\b|\b\d{3}[.-]\d{3}[.-]\d{4}\b/g;

/** Phone numbers inside free-text log messages are masked too (their last two digits kept for support). */
export function maskPhones(text: string): string {
  return text.replace(PHONE, (m) => `***${m.slice(-2)}`);
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPhones(a) : a));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
