/**
 * The one registry of RFC 9457 problem types. Every error a client can see is one of these;
 * `type` is stable and documented at GET /problems/{code}. Retired codes stay here, marked retired.
 */
export interface ProblemType {
  readonly code: string;
  readonly title: string;
  readonly status: number;
  readonly description: string;
}

function define<const T extends Record<string, Omit<ProblemType, 'code'>>>(defs: T): {
  readonly [K in keyof T]: ProblemType & { readonly code: K & string };
} {
  const out: Record<string, ProblemType> = {};
  for (const [code, def] of Object.entries(defs)) out[code] = Object.freeze({ code, ...def });
  return Object.freeze(out) as never;
}

export const problems = define({
  'validation-failed': {
    title: 'Request validation failed',
    status: 400,
    description: 'The request did not match the route schema; `errors` lists each violation. Nothing was changed.',
  },
  'malformed-body': {
    title: 'Malformed request body',
    status: 400,
    description: 'The body could not be parsed (invalid JSON, forbidden keys such as __proto__, or a wrong encoding).',
  },
  'unsupported-media-type': {
    title: 'Unsupported media type',
    status: 415,
    description: 'The Content-Type of the body is not accepted by this route.',
  },
  'not-acceptable': {
    title: 'Not acceptable',
    status: 406,
    description: 'The route answers only in a media type the Accept header does not name (the live stream needs `Accept: text/event-stream`).',
  },
  'body-too-large': {
    title: 'Request body too large',
    status: 413,
    description: 'The body is larger than this route accepts.',
  },
  'malformed-url': {
    title: 'Malformed URL',
    status: 400,
    description: 'The path contains an invalid percent-encoding or character.',
  },
  'uri-too-long': { title: 'URI too long', status: 414, description: 'A path segment is longer than this API accepts.' },
  'not-found': { title: 'Not found', status: 404, description: 'No such route or resource.' },
  'method-not-allowed': { title: 'Method not allowed', status: 405, description: 'The route exists but not for this method.' },
  'setup-required': {
    title: 'Setup required',
    status: 503,
    description: 'No administrator exists yet: only health, readiness and first-run setup answer until the setup token is used.',
  },
  'setup-token-invalid': {
    title: 'Setup token invalid',
    status: 403,
    description: 'The one-time setup token is wrong, expired or already used.',
  },
  'setup-already-done': { title: 'Setup already done', status: 409, description: 'An administrator already exists.' },
  'not-ready': {
    title: 'Service not ready',
    status: 503,
    description: 'The database is unreachable or migrations are not current; retry later.',
  },
  'internal-error': {
    title: 'Internal error',
    status: 500,
    description: 'Something failed on the server. The correlation id identifies the logs; no detail is disclosed.',
  },
  unauthenticated: {
    title: 'Authentication required',
    status: 401,
    description: 'Send an API key as `Authorization: Bearer clubos_…` or sign in for a session cookie.',
  },
  'invalid-credentials': { title: 'Invalid credentials', status: 401, description: 'The username or password is wrong.' },
  'login-throttled': {
    title: 'Too many sign-in attempts',
    status: 429,
    description: 'Sign-in is paused for this account and address after repeated failures; see Retry-After. Blocks expire by themselves.',
  },
  'session-expired': { title: 'Session expired', status: 401, description: 'The session ended (idle or absolute expiry, sign-out, or revocation). Sign in again.' },
  'csrf-failed': {
    title: 'CSRF token missing or wrong',
    status: 403,
    description: 'State-changing requests with a session cookie must send the session\'s X-CSRF-Token header.',
  },
  'insufficient-role': { title: 'Role too low', status: 403, description: 'Your operator role does not allow this.' },
  'insufficient-scope': { title: 'Scope missing', status: 403, description: 'The API key lacks a scope this route requires; `missing` lists them.' },
  'principal-not-accepted': {
    title: 'Credential type not accepted',
    status: 403,
    description: 'This route accepts only operator sessions, or only API keys.',
  },
  'key-invalid': { title: 'API key invalid', status: 401, description: 'The key is malformed, fails its checksum, or is unknown.' },
  'key-expired': { title: 'API key expired', status: 401, description: 'The key passed its expiry; create or rotate a key.' },
  'key-revoked': { title: 'API key revoked', status: 401, description: 'The key was revoked.' },
  'key-rotated-grace-ended': {
    title: 'API key rotated',
    status: 401,
    description: 'The key was replaced by a successor and its grace window has ended: use the successor.',
  },
  'key-suspended': { title: 'API key suspended', status: 401, description: 'The key is suspended (manually or by compromise detection) until an admin reinstates it.' },
  'ip-not-allowed': { title: 'Address not allowed for this key', status: 403, description: "The request's address is outside the key's CIDR allow-list." },
  'key-in-url': {
    title: 'API key in URL',
    status: 400,
    description: 'API keys are accepted only in the Authorization header. A key sent in a URL is treated as leaked.',
  },
  'location-forbidden': { title: 'Location not granted', status: 403, description: 'You may not see or act on that location.' },
  'weak-password': { title: 'Password rejected', status: 400, description: 'Passwords need at least 12 characters and must not contain the username.' },
  'username-taken': { title: 'Username taken', status: 409, description: 'An operator with that username exists.' },
  'last-admin': { title: 'Last administrator', status: 409, description: 'The last active administrator cannot be demoted or disabled.' },
  'operator-not-found': { title: 'Operator not found', status: 404, description: 'No operator has that id.' },
  'key-not-found': { title: 'API key not found', status: 404, description: 'No API key has that id.' },
  'key-state-conflict': { title: 'API key state conflict', status: 409, description: 'The key is not in a state that allows this change.' },
  'signature-invalid': {
    title: 'Signature invalid',
    status: 401,
    description: 'The request signature is missing, malformed, stale or does not match the body.',
  },
  'idempotency-key-reused': {
    title: 'Idempotency key reused with a different request',
    status: 422,
    description: 'This Idempotency-Key was already used by this caller for a different body.',
  },
  'event-not-found': { title: 'Event not found', status: 404, description: 'No event has that id (or it is in a location you may not see).' },
  'injection-detected': {
    title: 'Request rejected: injection detected',
    status: 400,
    description: 'A value matched an injection rule (SQL, XSS, template, command, path traversal, NoSQL, prototype pollution or code). `findings` names the rule and where; nothing was changed. Content is never rewritten.',
  },
  'rate-limited': {
    title: 'Rate limit exceeded',
    status: 429,
    description: 'Too many requests in the window for this address, prefix, key or route class; see the RateLimit, RateLimit-Policy and Retry-After headers. Limits tighten after risk signals and relax back over time.',
  },
  banned: {
    title: 'Client banned',
    status: 403,
    description: 'This address or network prefix exceeded its limits repeatedly and is banned until Retry-After; repeat bans last longer.',
  },
  overloaded: {
    title: 'Service overloaded',
    status: 503,
    description: 'The server is shedding lower-priority work under load (or the request ran past its time budget); retry after Retry-After.',
  },
  'unknown-feature-flag': { title: 'Unknown feature flag', status: 404, description: 'No feature flag has that name.' },
  'event-not-proposed': {
    title: 'Event not decided yet',
    status: 409,
    description: 'The event was accepted but the pipeline has not proposed a decision for it yet; retry in a moment.',
  },
  'event-already-decided': { title: 'Event already decided', status: 409, description: 'An operator already answered this event; the first answer stands.' },
  'decision-invalid': {
    title: 'Decision does not fit the proposal',
    status: 422,
    description: '`reason` names why: nothing_to_approve, decision_required, params_required, modify_changes_nothing, modify_keeps_decision or veto_contradicts. Nothing was recorded.',
  },
  'pattern-not-found': { title: 'Pattern not found', status: 404, description: 'No remembered decision has that key.' },
  // Execution (issue 5).
  'execution-already-ran': {
    title: 'Already executed',
    status: 409,
    description: 'The proposal already executed (or is executing): a veto or rejection can no longer stop it. Nothing was recorded.',
  },
  'execution-not-found': { title: 'Execution not found', status: 404, description: 'No execution has that id (or it is in a location you may not see).' },
  'thresholds-invalid': {
    title: 'Thresholds refused',
    status: 400,
    description: 'Confidence thresholds must each be in (0, 1] and strictly ordered low < medium < high. Nothing was changed.',
  },
  'kill-switch-not-found': { title: 'Kill switch not set', status: 404, description: 'No kill switch of that kind and name is set.' },
  // venue records (locations, bookings, threads, templates, tickets, the OpenPhone webhook)
  'location-not-found': { title: 'Location not found', status: 404, description: 'No location has that name (or you may not see it).' },
  'location-exists': { title: 'Location exists', status: 409, description: 'A location with that name, code or OpenPhone number exists already.' },
  'device-not-found': { title: 'Device not found', status: 404, description: 'No device has that id (or it is in a location you may not see).' },
  'device-exists': { title: 'Device exists', status: 409, description: 'A device with that id exists already.' },
  'booking-not-found': { title: 'Booking not found', status: 404, description: 'No booking has that id (or it is in a location you may not see).' },
  'booking-conflict': {
    title: 'Booking id reused',
    status: 409,
    description: 'A different booking is stored under that id: change it with PATCH /v1/bookings/{id}, never by re-creating it.',
  },
  'booking-invalid': { title: 'Booking invalid', status: 400, description: 'The booking must end after it starts. Nothing was changed.' },
  'thread-not-found': { title: 'Thread not found', status: 404, description: 'No thread has that id (or it is in a location you may not see).' },
  'thread-state-conflict': {
    title: 'Thread state conflict',
    status: 409,
    description: 'The thread is not in a state that allows this (a resolved, merged or timed-out thread is closed; an escalated one only resolves).',
  },
  'reply-channel-unavailable': {
    title: 'No reply channel',
    status: 503,
    description: 'No reply sender (e.g. OpenPhone) is configured for this location and channel; nothing was sent or stored.',
  },
  'reply-not-delivered': {
    title: 'Reply not delivered',
    status: 502,
    description: 'The reply sender refused or failed; `outcome` says whether it may still arrive (unconfirmed). Nothing was stored as sent.',
  },
  'template-not-found': { title: 'Template not found', status: 404, description: 'No reply template has that key.' },
  'ticket-not-found': { title: 'Ticket not found', status: 404, description: 'No ticket has that id (or it is in a location you may not see).' },
  'ticket-state-conflict': { title: 'Ticket state conflict', status: 409, description: 'The ticket cannot move to that state from its current one.' },
  'webhook-replayed': {
    title: 'Webhook delivery replayed',
    status: 409,
    description: 'A delivery with this event id was accepted before (on any instance); it was not processed again.',
  },
});

export type ProblemCode = keyof typeof problems;

/** A problem raised inside a handler; the error handler turns it into problem+json. */
export class ProblemError extends Error {
  constructor(
    readonly problem: ProblemType,
    readonly detail?: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? problem.title);
    this.name = 'ProblemError';
  }
}

export const problemTypeUri = (p: ProblemType): string => `/problems/${p.code}`;
