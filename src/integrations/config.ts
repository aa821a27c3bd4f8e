import { OPENPHONE_API } from './openPhone/sendSms.js';
import type { IntegrationsConfig, LocationIntegrationsConfig } from './registry.js';
import { Secret } from './secret.js';

/**
 * Parses the integrations configuration (JSON, e.g. from an environment variable or a mounted file)
 * into typed clients' configs with every credential wrapped in a `Secret`. Errors name the JSON path
 * and never the value, so a misconfigured secret cannot leak through a startup error.
 *
 * { "slack": { "webhookUrl": "…" },
 *   "locations": { "Dartmouth": {
 *     "openPhone":   { "apiKey": "…", "from": "+19025550100" },
 *     "unifiAccess": { "baseUrl": "https://10.20.0.2:12445", "token": "…", "doorId": "…", "ca": "-----BEGIN…" },
 *     "ninjaOne":    { "baseUrl": "https://ca.ninjarmm.com", "clientId": "…", "clientSecret": "…",
 *                      "bayDevices": { "1": 1201 }, "scripts": { "reset_trackman": { "id": 41, "name": "Restart TrackMan" } } },
 *     "benq":        { "bayProjectors": { "1": { "host": "10.20.0.31" } } },
 *     "agent":       { "baseUrl": "https://agent.dartmouth.example", "secret": "…" } } } }
 */
export type ParsedIntegrations = { readonly ok: true; readonly config: IntegrationsConfig } | { readonly ok: false; readonly errors: readonly string[] };

type Obj = Record<string, unknown>;

class Reader {
  readonly errors: string[] = [];
  obj(v: unknown, path: string): Obj | null {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.errors.push(`${path}: expected an object`);
    return null;
  }
  str(o: Obj, key: string, path: string): string {
    const v = o[key];
    if (typeof v === 'string' && v !== '') return v;
    this.errors.push(`${path}.${key}: expected a non-empty string`);
    return '';
  }
  optStr(o: Obj, key: string, path: string): string | undefined {
    return o[key] === undefined ? undefined : this.str(o, key, path);
  }
  secret(o: Obj, key: string, path: string): Secret {
    const v = this.str(o, key, path);
    return new Secret(v === '' ? 'invalid' : v);
  }
  url(o: Obj, key: string, path: string): string {
    const v = this.str(o, key, path);
    if (v !== '' && !/^https?:\/\/[^\s]+$/.test(v)) this.errors.push(`${path}.${key}: expected an http(s) URL`);
    return v.replace(/\/+$/, '');
  }
  intMap(v: unknown, path: string): Record<string, number> {
    const o = this.obj(v, path) ?? {};
    for (const [k, n] of Object.entries(o)) if (!/^\d+$/.test(k) || !Number.isInteger(n)) this.errors.push(`${path}.${k}: expected bay number → integer id`);
    return o as Record<string, number>;
  }
}

/**
 * @example
 * const parsed = parseIntegrationsConfig(JSON.parse(process.env.CLUBOS_INTEGRATIONS ?? '{"locations":{}}'));
 * if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
 */
export function parseIntegrationsConfig(json: unknown): ParsedIntegrations {
  const r = new Reader();
  const root = r.obj(json, '$') ?? {};
  const locations: Record<string, LocationIntegrationsConfig> = {};
  for (const [name, raw] of Object.entries(r.obj(root.locations ?? {}, '$.locations') ?? {})) {
    const p = `$.locations.${name}`;
    const loc = r.obj(raw, p) ?? {};
    const sec = (k: string) => (loc[k] === undefined ? null : r.obj(loc[k], `${p}.${k}`));
    const op = sec('openPhone');
    const un = sec('unifiAccess');
    const nj = sec('ninjaOne');
    const bq = sec('benq');
    const ag = sec('agent');
    locations[name] = {
      ...(op && {
        openPhone: { id: `openphone:${name}`, baseUrl: op.baseUrl === undefined ? OPENPHONE_API : r.url(op, 'baseUrl', `${p}.openPhone`), apiKey: r.secret(op, 'apiKey', `${p}.openPhone`), from: r.str(op, 'from', `${p}.openPhone`) },
      }),
      ...(un && {
        unifiAccess: {
          id: `unifi:${name}`,
          baseUrl: r.url(un, 'baseUrl', `${p}.unifiAccess`),
          token: r.secret(un, 'token', `${p}.unifiAccess`),
          doorId: r.str(un, 'doorId', `${p}.unifiAccess`),
          ...(un.ca === undefined ? {} : { ca: r.str(un, 'ca', `${p}.unifiAccess`) }),
        },
      }),
      ...(nj && { ninjaOne: ninjaOne(r, nj, name, `${p}.ninjaOne`) }),
      ...(bq && { benq: { id: `benq:${name}`, bayProjectors: bayProjectors(r, bq.bayProjectors, `${p}.benq.bayProjectors`) } }),
      ...(ag && { agent: { id: `agent:${name}`, baseUrl: r.url(ag, 'baseUrl', `${p}.agent`), secret: r.secret(ag, 'secret', `${p}.agent`) } }),
    };
  }
  const slack = root.slack === undefined ? null : r.obj(root.slack, '$.slack');
  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  return { ok: true, config: { locations, ...(slack && { slack: { id: 'slack', webhookUrl: r.secret(slack, 'webhookUrl', '$.slack') } }) } };
}

function ninjaOne(r: Reader, o: Obj, name: string, p: string) {
  const scripts: Record<string, { id: number; name: string }> = {};
  for (const [action, raw] of Object.entries(r.obj(o.scripts ?? {}, `${p}.scripts`) ?? {})) {
    const s = r.obj(raw, `${p}.scripts.${action}`) ?? {};
    if (action !== 'reset_trackman' && action !== 'reboot_bay_pc') r.errors.push(`${p}.scripts.${action}: only reset_trackman and reboot_bay_pc run scripts`);
    if (!Number.isInteger(s.id)) r.errors.push(`${p}.scripts.${action}.id: expected an integer`);
    scripts[action] = { id: s.id as number, name: r.str(s, 'name', `${p}.scripts.${action}`) };
  }
  const scope = r.optStr(o, 'scope', p);
  return {
    id: `ninjaone:${name}`,
    baseUrl: r.url(o, 'baseUrl', p),
    clientId: r.str(o, 'clientId', p),
    clientSecret: r.secret(o, 'clientSecret', p),
    ...(scope === undefined ? {} : { scope }),
    bayDevices: r.intMap(o.bayDevices, `${p}.bayDevices`),
    scripts,
  };
}

function bayProjectors(r: Reader, v: unknown, p: string): Record<string, { host: string; port?: number }> {
  const out: Record<string, { host: string; port?: number }> = {};
  for (const [bay, raw] of Object.entries(r.obj(v, p) ?? {})) {
    const o = r.obj(raw, `${p}.${bay}`) ?? {};
    if (!/^\d+$/.test(bay)) r.errors.push(`${p}.${bay}: expected a bay number`);
    if (o.port !== undefined && !(Number.isInteger(o.port) && (o.port as number) > 0 && (o.port as number) < 65536)) r.errors.push(`${p}.${bay}.port: expected a TCP port`);
    out[bay] = { host: r.str(o, 'host', `${p}.${bay}`), ...(o.port === undefined ? {} : { port: o.port as number }) };
  }
  return out;
}
