import { keyView } from '../http/routes/keys.js';
import { isCidr } from '../security/apiKeys/network.js';
import { type Scope, SCOPES, isScope } from '../security/apiKeys/scopes.js';
import { type CliCommand, UsageError, parseArgs, report } from './io.js';
import { cliActor, withRuntime } from './runtime.js';

const USAGE = `usage: clubos keys create --name NAME --scopes s1,s2 [--cidrs C1,C2] [--locations L1,L2] [--expires ISO] [--json]
       clubos keys list [--json]
       clubos keys rotate ID [--json]
       clubos keys revoke ID [--json]
scopes: ${SCOPES.join(', ')}`;

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

/** `clubos keys`: the same key manager as the admin API, audited as the shell user. */
export const keys: CliCommand = async (args, io) => {
  const [verb, ...rest] = args;
  const { positionals, flags, options } = parseArgs(rest, { flags: ['json'], options: ['name', 'scopes', 'cidrs', 'locations', 'expires'] });
  const json = flags.has('json');
  switch (verb) {
    case 'create': {
      const name = options.get('name');
      const scopes = list(options.get('scopes')) ?? [];
      if (!name || scopes.length === 0) throw new UsageError(USAGE);
      const bad = scopes.find((s) => !isScope(s));
      if (bad) throw new UsageError(`unknown scope ${bad}; scopes: ${SCOPES.join(', ')}`);
      const cidrs = list(options.get('cidrs')) ?? [];
      const badCidr = cidrs.find((c) => !isCidr(c));
      if (badCidr) throw new UsageError(`not a CIDR: ${badCidr}`);
      const expires = options.get('expires');
      if (expires !== undefined && Number.isNaN(Date.parse(expires))) throw new UsageError(`--expires must be an ISO-8601 time (got "${expires}")`);
      return withRuntime(async (rt) => {
        const locations = list(options.get('locations'));
        const created = await rt.keys.create(
          { name, scopes: scopes as Scope[], ownerId: null, cidrs, ...(locations ? { locations } : {}), expiresAt: expires ? new Date(expires) : null },
          cliActor(),
        );
        const view = keyView(created.record, rt.keys.lifecycle(created.record), rt.clock.now());
        // The key manager caps an expiry at the keys' maximum lifetime: say so rather than let it pass unseen.
        const capped = expires !== undefined && view.expiresAt !== null && Date.parse(view.expiresAt) < Date.parse(expires);
        report(
          io,
          json,
          [
            `created ${view.id} (${view.prefix}…), expires ${view.expiresAt}${capped ? ` (capped at the maximum key lifetime; ${expires} was asked)` : ''}`,
            'the secret, shown once:',
            `  ${created.secret}`,
          ],
          { key: created.secret, record: view, ...(capped ? { expiryCapped: true } : {}) },
        );
        return 0;
      });
    }
    case 'list':
      return withRuntime(async (rt) => {
        const views = (await rt.keys.list()).map((k) => keyView(k, rt.keys.lifecycle(k), rt.clock.now()));
        report(
          io,
          json,
          views.map((v) => `${v.id}  ${v.prefix.padEnd(20)} ${v.state.padEnd(9)} gen ${v.generation}  ${v.name}  [${v.scopes.join(' ')}]`),
          { keys: views },
        );
        return 0;
      });
    case 'rotate':
    case 'revoke': {
      const id = positionals[0];
      if (!id) throw new UsageError(USAGE);
      return withRuntime(async (rt) => {
        const k = await rt.keys.byId(id);
        if (!k) {
          io.err(`clubos keys: no key ${id}`);
          return 1;
        }
        if (verb === 'rotate') {
          const next = await rt.keys.rotate(k, cliActor());
          if (!next) {
            io.err(`clubos keys: key ${id} cannot be rotated in state ${rt.keys.lifecycle(k)}`);
            return 1;
          }
          const view = keyView(next.record, rt.keys.lifecycle(next.record), rt.clock.now());
          report(io, json, [`rotated ${id} → ${view.id}; the old key works until ${(await rt.keys.byId(id))?.graceEndsAt?.toISOString()}`, 'the new secret, shown once:', `  ${next.secret}`], {
            key: next.secret,
            record: view,
          });
          return 0;
        }
        const revoked = await rt.keys.revoke(k, cliActor());
        report(io, json, [`revoked ${id}`], { record: revoked ? keyView(revoked, rt.keys.lifecycle(revoked), rt.clock.now()) : null });
        return 0;
      });
    }
    default:
      throw new UsageError(USAGE);
  }
};
