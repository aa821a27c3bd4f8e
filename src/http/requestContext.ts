import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Carries the correlation id of the request being served into every log line and audit entry below it. */
export interface RequestContext {
  readonly correlationId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

const VALID_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accept a caller's X-Request-Id only when it is a plain token, so it cannot smuggle text into logs. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && VALID_ID.test(header) ? header : randomUUID();
}

export const currentCorrelationId = (): string | undefined => requestContext.getStore()?.correlationId;
