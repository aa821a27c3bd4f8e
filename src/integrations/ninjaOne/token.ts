import type { CallContext } from '../../actions/ports.js';
import { httpCall, isRecord, parseJson } from '../httpCall.js';
import type { Secret } from '../secret.js';

/**
 * NinjaOne OAuth2 client-credentials tokens (`POST /ws/oauth/token`, form-encoded), cached until a
 * minute before they expire. The cache lives in the returned object, one per configured tenant.
 */
export interface NinjaOneCredentials {
  /** e.g. `https://app.ninjarmm.com`, `https://ca.ninjarmm.com`, `https://eu.ninjarmm.com`. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  /** Default `monitoring management control` (running scripts needs `control`). */
  readonly scope?: string;
}

export type TokenResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: 'auth' | 'unreachable' | 'deadline' | 'server_error' | 'malformed_response'; readonly detail: string };

export interface TokenSource {
  get(deadline: Date, ctx: CallContext): Promise<TokenResult>;
  /** Drops the cached token (the API refused it before its expiry). */
  invalidate(): void;
}

const EARLY_REFRESH_MS = 60_000;

export function createNinjaOneTokenSource(credentials: NinjaOneCredentials): TokenSource {
  let cached: { token: string; expiresAt: number } | null = null;
  return {
    invalidate() {
      cached = null;
    },
    async get(deadline, ctx) {
      const now = ctx.clock.now().getTime();
      if (cached !== null && now < cached.expiresAt - EARLY_REFRESH_MS) return { ok: true, token: cached.token };
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret.reveal(),
        scope: credentials.scope ?? 'monitoring management control',
      });
      const attempt = await httpCall(
        {
          method: 'POST',
          url: `${credentials.baseUrl}/ws/oauth/token`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
        },
        deadline,
        ctx,
      );
      // Asking for a token changes nothing on a device, so every failure here is a plain failure.
      if (attempt.kind === 'not_sent') return { ok: false, reason: attempt.reason, detail: `NinjaOne token endpoint not reached (${attempt.detail})` };
      if (attempt.kind !== 'response') return { ok: false, reason: 'deadline', detail: 'NinjaOne token request got no answer' };
      if (attempt.status === 400 || attempt.status === 401 || attempt.status === 403) {
        return { ok: false, reason: 'auth', detail: `NinjaOne refused the client credentials (${attempt.status})` };
      }
      if (attempt.status !== 200) return { ok: false, reason: 'server_error', detail: `NinjaOne token endpoint answered ${attempt.status}` };
      const json = parseJson(attempt.text);
      if (!isRecord(json) || typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
        return { ok: false, reason: 'malformed_response', detail: 'NinjaOne token answer without access_token/expires_in' };
      }
      cached = { token: json.access_token, expiresAt: ctx.clock.now().getTime() + json.expires_in * 1000 };
      return { ok: true, token: json.access_token };
    },
  };
}
