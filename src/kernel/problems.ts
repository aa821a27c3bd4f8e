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
  'unknown-feature-flag': { title: 'Unknown feature flag', status: 404, description: 'No feature flag has that name.' },
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
