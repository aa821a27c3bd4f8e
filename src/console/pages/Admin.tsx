import { useState } from 'preact/hooks';
import { FEATURE_FLAGS } from '../../config/flags.js';
import type { ThresholdsView } from '../../pipeline/decisionThresholds.js';
import { SCOPES } from '../../security/apiKeys/scopes.js';
import { api, describeError } from '../api.js';
import { useResource } from '../hooks.js';
import type { Operator, Role } from '../session.js';
import { when } from '../types.js';
import { AuditPanel } from './Audit.js';
import { KillSwitchPanel, VenuePanel } from './Venue.js';

interface Key {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly locations: readonly string[] | null;
  readonly state: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly riskScore: number;
  readonly lastUsedAt: string | null;
  readonly lastUsedIp: string | null;
  readonly suspendedReason: string | null;
}
interface KeyUsage {
  readonly daily: readonly { day: string; route: string; outcome: string; count: number }[];
  readonly clients: readonly { ip: string; requests: number; lastSeenAt: string }[];
  readonly riskEvents: readonly { at: string; signal: string; scoreAfter: number; actionTaken: string }[];
}

const TABS = [
  { href: '#/admin', label: 'API keys' },
  { href: '#/admin/operators', label: 'Operators' },
  { href: '#/admin/venue', label: 'Locations' },
  { href: '#/admin/integrations', label: 'Integrations' },
  { href: '#/admin/flags', label: 'Flags, thresholds & kill switches' },
  { href: '#/admin/audit', label: 'Audit log' },
] as const;

const splitList = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function ErrorLine(props: { error: string | null }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

/** A secret the server shows once: displayed with a copy button and a warning, never stored by the console. */
function SecretOnce(props: { secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="alert">
      <p>
        <strong>Copy this key now.</strong> It is shown only once.
      </p>
      <code data-testid="new-key-secret">{props.secret}</code>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(props.secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="ghost" onClick={props.onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}

function CreateKey(props: { onCreated: (secret: string) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['events:write']);
  const [locations, setLocations] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="card"
      aria-labelledby="new-key-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          const locs = splitList(locations);
          const out = await api<{ key: string }>('POST', '/v1/keys', { name, scopes, ...(locs.length > 0 ? { locations: locs } : {}) });
          setName('');
          props.onCreated(out.key);
        } catch (err) {
          setError(describeError(err));
        }
      }}
    >
      <h2 id="new-key-title">New API key</h2>
      <div class="field">
        <label for="key-name">Name</label>
        <input id="key-name" value={name} required maxLength={100} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <fieldset>
        <legend>Scopes</legend>
        <div class="checks">
          {SCOPES.map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((cur) => ((e.currentTarget as HTMLInputElement).checked ? [...cur, s] : cur.filter((x) => x !== s)))}
              />{' '}
              {s}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="field">
        <label for="key-locations">Locations (comma-separated; empty = all)</label>
        <input id="key-locations" value={locations} onInput={(e) => setLocations((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <ErrorLine error={error} />
      <button type="submit" class="primary" disabled={scopes.length === 0}>
        Create key
      </button>
    </form>
  );
}

function Usage(props: { id: string }) {
  const u = useResource(() => api<KeyUsage>('GET', `/v1/keys/${props.id}`), [props.id]);
  if (u.error) return <ErrorLine error={u.error} />;
  if (!u.data) return <p class="muted">Loading usage…</p>;
  return (
    <div class="usage">
      <table>
        <caption>Requests per day (30 days)</caption>
        <thead>
          <tr>
            <th scope="col">day</th>
            <th scope="col">route</th>
            <th scope="col">outcome</th>
            <th scope="col">count</th>
          </tr>
        </thead>
        <tbody>
          {u.data.daily.map((d) => (
            <tr key={`${d.day}${d.route}${d.outcome}`}>
              <td>{d.day}</td>
              <td>{d.route}</td>
              <td>{d.outcome}</td>
              <td>{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Clients: {u.data.clients.map((c) => `${c.ip} (${c.requests})`).join(', ') || 'none'}. Risk signals:{' '}
        {u.data.riskEvents.map((r) => `${r.signal} → ${r.scoreAfter} (${r.actionTaken})`).join('; ') || 'none'}.
      </p>
    </div>
  );
}

function KeyRow(props: { k: Key; onChanged: () => void; onSecret: (s: string) => void }) {
  const { k } = props;
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (verb: 'rotate' | 'suspend' | 'reinstate' | 'revoke') => {
    setError(null);
    let body: Record<string, unknown> = {};
    if (verb === 'suspend') {
      const reason = prompt('Why suspend this key?');
      if (!reason) return;
      body = { reason };
    }
    if (verb === 'revoke' && !confirm(`Revoke "${k.name}" for good? Every client using it is refused within a second.`)) return;
    try {
      const out = await api<{ key?: string }>('POST', `/v1/keys/${k.id}/${verb}`, body);
      if (out.key) props.onSecret(out.key);
      props.onChanged();
    } catch (err) {
      setError(describeError(err));
    }
  };
  const dead = k.state === 'revoked' || k.state === 'expired';
  return (
    <tr data-key-id={k.id}>
      <th scope="row">
        {k.name}
        <br />
        <code class="muted">{k.prefix}</code>
      </th>
      <td>
        <span class={`state state-${k.state}`}>{k.state}</span>
        {k.suspendedReason && <small class="muted"> {k.suspendedReason}</small>}
      </td>
      <td>{k.scopes.join(' ')}</td>
      <td class={k.riskScore >= 50 ? 'risky' : ''}>{k.riskScore}</td>
      <td>{k.lastUsedAt ? `${when(k.lastUsedAt)} from ${k.lastUsedIp ?? '?'}` : 'never'}</td>
      <td class="row-actions">
        {!dead && (
          <button type="button" onClick={() => act('rotate')} aria-label={`Rotate ${k.name}`}>
            Rotate
          </button>
        )}
        {k.state === 'suspended' ? (
          <button type="button" onClick={() => act('reinstate')} aria-label={`Reinstate ${k.name}`}>
            Reinstate
          </button>
        ) : (
          !dead && (
            <button type="button" onClick={() => act('suspend')} aria-label={`Suspend ${k.name}`}>
              Suspend
            </button>
          )
        )}
        {k.state !== 'revoked' && (
          <button type="button" class="danger" onClick={() => act('revoke')} aria-label={`Revoke ${k.name}`}>
            Revoke
          </button>
        )}
        <button type="button" class="ghost" aria-expanded={open} onClick={() => setOpen(!open)}>
          Usage
        </button>
        <ErrorLine error={error} />
        {open && <Usage id={k.id} />}
      </td>
    </tr>
  );
}

function KeysPanel() {
  const keys = useResource(() => api<Key[]>('GET', '/v1/keys'), [], ['security.event']);
  const [secret, setSecret] = useState<string | null>(null);
  const show = (s: string) => {
    setSecret(s);
    keys.reload();
  };
  return (
    <>
      {secret && <SecretOnce secret={secret} onDismiss={() => setSecret(null)} />}
      <CreateKey onCreated={show} />
      <ErrorLine error={keys.error} />
      <div class="scroll">
        <table class="keys">
          <caption>API keys</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">state</th>
              <th scope="col">scopes</th>
              <th scope="col">risk</th>
              <th scope="col">last used</th>
              <th scope="col">actions</th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((k) => (
              <KeyRow key={k.id} k={k} onChanged={keys.reload} onSecret={show} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'supervisor', 'admin'];

function OperatorsPanel(props: { me: Operator }) {
  const ops = useResource(() => api<(Operator & { disabledAt: string | null; createdAt: string })[]>('GET', '/v1/operators'), []);
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: 'operator' as Role, locations: '' });
  const [error, setError] = useState<string | null>(null);
  const patch = async (id: string, body: Record<string, unknown>) => {
    setError(null);
    try {
      await api('PATCH', `/v1/operators/${id}`, body);
      ops.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <>
      <form
        class="card"
        aria-labelledby="new-op-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const locs = splitList(form.locations);
            await api('POST', '/v1/operators', { username: form.username, displayName: form.displayName, password: form.password, role: form.role, locations: locs.length > 0 ? locs : null });
            setForm({ ...form, username: '', displayName: '', password: '' });
            ops.reload();
          } catch (err) {
            setError(describeError(err));
          }
        }}
      >
        <h2 id="new-op-title">New operator</h2>
        <div class="field">
          <label for="op-username">Username</label>
          <input id="op-username" required value={form.username} onInput={set('username')} autoComplete="off" />
        </div>
        <div class="field">
          <label for="op-display">Display name</label>
          <input id="op-display" required value={form.displayName} onInput={set('displayName')} />
        </div>
        <div class="field">
          <label for="op-password">Initial password</label>
          <input id="op-password" type="password" required value={form.password} onInput={set('password')} autoComplete="new-password" />
        </div>
        <div class="field">
          <label for="op-role">Role</label>
          <select id="op-role" value={form.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="op-locations">Locations (comma-separated; empty = all)</label>
          <input id="op-locations" value={form.locations} onInput={set('locations')} />
        </div>
        <button type="submit" class="primary">
          Create operator
        </button>
      </form>
      <ErrorLine error={error ?? ops.error} />
      <div class="scroll">
        <table>
          <caption>Operators</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">role</th>
              <th scope="col">locations</th>
              <th scope="col">status</th>
            </tr>
          </thead>
          <tbody>
            {(ops.data ?? []).map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  {o.displayName} <span class="muted">({o.username})</span>
                </th>
                <td>
                  <select aria-label={`Role of ${o.username}`} value={o.role} onChange={(e) => patch(o.id, { role: (e.currentTarget as HTMLSelectElement).value })}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{o.locations === null ? 'all' : o.locations.join(', ')}</td>
                <td>
                  {o.disabledAt ? 'disabled' : 'active'}{' '}
                  {o.id !== props.me.id && (
                    <button type="button" class="ghost" onClick={() => patch(o.id, { disabled: o.disabledAt === null })}>
                      {o.disabledAt ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function FlagsPanel() {
  const flags = useResource(() => api<Record<string, boolean>>('GET', '/v1/admin/flags'), []);
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card" aria-labelledby="flags-title">
      <h2 id="flags-title">Feature flags</h2>
      <ErrorLine error={error ?? flags.error} />
      <ul class="plain flags">
        {FEATURE_FLAGS.map((f) => (
          <li key={f}>
            <label>
              <input
                type="checkbox"
                checked={flags.data?.[f] ?? false}
                disabled={!flags.data}
                onChange={async (e) => {
                  setError(null);
                  try {
                    await api('PUT', `/v1/admin/flags/${f}`, { enabled: (e.currentTarget as HTMLInputElement).checked });
                  } catch (err) {
                    setError(describeError(err));
                  }
                  flags.reload();
                }}
              />{' '}
              {f}
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface IntegrationsView {
  readonly locations: readonly { location: string; routes: readonly { action: string; bay: number | null; integration: string | null }[] }[];
  readonly breakers: readonly { integrationId: string; status: 'closed' | 'open' | 'half_open'; failures: number; since: string | null; updatedAt: string }[];
}

/** Breaker states drawn with the console's existing state colours: closed is healthy, half-open is on trial. */
const BREAKER_CLASS = { closed: 'state-active', half_open: 'state-rotating', open: 'state-suspended' } as const;
const BREAKER_LABEL = { closed: 'working', half_open: 'on trial', open: 'circuit open' } as const;

/** Which integration carries out each action at each location and bay, and whether its circuit is open. */
function IntegrationsPanel() {
  const view = useResource(() => api<IntegrationsView>('GET', '/v1/admin/integrations'), [], ['execution.updated']);
  const breaker = (id: string | null) => (id === null ? undefined : view.data?.breakers.find((b) => b.integrationId === id));
  return (
    <section class="card" aria-labelledby="integrations-title">
      <h2 id="integrations-title">Integrations</h2>
      <p class="muted">What the executor would call for each action. "Not configured" means such an action fails and goes to a human.</p>
      <ErrorLine error={view.error} />
      {(view.data?.locations ?? []).map((l) => (
        <div class="scroll" key={l.location}>
          <table>
            <caption>{l.location}</caption>
            <thead>
              <tr>
                <th scope="col">action</th>
                <th scope="col">bay</th>
                <th scope="col">integration</th>
              </tr>
            </thead>
            <tbody>
              {l.routes.map((r) => {
                const b = breaker(r.integration);
                return (
                  <tr key={`${r.action}-${r.bay ?? ''}`}>
                    <th scope="row">{r.action.replace(/_/g, ' ')}</th>
                    <td>{r.bay ?? 'all'}</td>
                    <td>
                      {r.integration ?? <span class="risky">not configured</span>}
                      {b && (
                        <span class={`state ${BREAKER_CLASS[b.status]}`} title={b.since ? `since ${when(b.since)}` : undefined}>
                          {BREAKER_LABEL[b.status]}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
      {view.data && view.data.locations.length === 0 && <p>No locations yet: add one under Locations.</p>}
    </section>
  );
}

const BANDS = [
  { key: 'high', label: 'Auto at or above (PATTERN_CONFIDENCE_HIGH)' },
  { key: 'medium', label: 'Suggest at or above (PATTERN_CONFIDENCE_MEDIUM)' },
  { key: 'low', label: 'Approval queue at or above (PATTERN_CONFIDENCE_LOW)' },
] as const;
type Band = (typeof BANDS)[number]['key'];

/** The confidence thresholds in force for every instance: an admin may tighten or loosen them, or go back to the configured ones. */
function ThresholdsPanel() {
  const view = useResource(() => api<ThresholdsView>('GET', '/v1/admin/thresholds'), []);
  const [draft, setDraft] = useState<Partial<Record<Band, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const shown = (b: Band): string => draft[b] ?? (view.data ? String(view.data.effective[b]) : '');
  const save = async (method: 'PUT' | 'DELETE') => {
    setError(null);
    try {
      await api(method, '/v1/admin/thresholds', method === 'PUT' ? { high: Number(shown('high')), medium: Number(shown('medium')), low: Number(shown('low')) } : undefined);
      setDraft({});
    } catch (err) {
      setError(describeError(err));
    }
    view.reload();
  };
  return (
    <form
      class="card"
      aria-labelledby="thresholds-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save('PUT');
      }}
    >
      <h2 id="thresholds-title">Confidence thresholds</h2>
      {view.data && (
        <p class="muted">
          {view.data.source === 'override'
            ? `Set by an admin${view.data.updatedAt ? ` on ${when(view.data.updatedAt)}` : ''}; configured: auto ${view.data.configured.high}, suggest ${view.data.configured.medium}, queue ${view.data.configured.low}.`
            : 'The configured values (environment) are in force.'}{' '}
          Money, booking changes, reboots, unlocks without a booking and emergencies are never automated, whatever these say.
        </p>
      )}
      {view.data && (
        <p class="muted" data-testid="suggest-band">
          {view.data.suggestBand.errorBudget > 0
            ? `Suggestions of proven patterns run when their countdown ends if their confidence is at least ${view.data.suggestBand.floor.toFixed(3)}: this floor follows the measured wrong executions (budget ${(view.data.suggestBand.errorBudget * 100).toFixed(1)} %) and never drops below ${view.data.suggestBand.minFloor}.`
            : 'Suggestions run when their countdown ends only for patterns with a proven suggest record (error budget off).'}
        </p>
      )}
      {BANDS.map((b) => (
        <div class="field" key={b.key}>
          <label for={`threshold-${b.key}`}>{b.label}</label>
          <input
            id={`threshold-${b.key}`}
            type="number"
            inputMode="decimal"
            min="0.01"
            max="1"
            step="0.01"
            required
            value={shown(b.key)}
            disabled={!view.data}
            onInput={(e) => setDraft((d) => ({ ...d, [b.key]: (e.currentTarget as HTMLInputElement).value }))}
          />
        </div>
      ))}
      <ErrorLine error={error ?? view.error} />
      <button type="submit" class="primary" disabled={!view.data}>
        Save thresholds
      </button>{' '}
      <button type="button" disabled={view.data?.source !== 'override'} onClick={() => void save('DELETE')}>
        Back to configured
      </button>
    </form>
  );
}

export function AdminPage(props: { operator: Operator; route: string }) {
  const tab = TABS.find((t) => `#${props.route}` === t.href) ?? TABS[0];
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <nav class="tabs" aria-label="Admin sections">
        {TABS.map((t) => (
          <a key={t.href} href={t.href} aria-current={t === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      {tab.href === '#/admin' && <KeysPanel />}
      {tab.href === '#/admin/operators' && <OperatorsPanel me={props.operator} />}
      {tab.href === '#/admin/venue' && <VenuePanel />}
      {tab.href === '#/admin/integrations' && <IntegrationsPanel />}
      {tab.href === '#/admin/flags' && (
        <>
          <KillSwitchPanel />
          <ThresholdsPanel />
          <FlagsPanel />
        </>
      )}
      {tab.href === '#/admin/audit' && <AuditPanel />}
    </section>
  );
}
