import { useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { catalogue } from '../catalogue.js';
import { useResource } from '../hooks.js';
import { when } from '../types.js';

interface Location {
  readonly name: string;
  readonly code: string | null;
  readonly timezone: string;
  readonly openphoneNumber: string | null;
  readonly bays: readonly { number: number; label: string | null }[];
}
interface Device {
  readonly id: string;
  readonly location: string;
  readonly bay: number | null;
  readonly kind: string;
  readonly integration: string;
}
interface KillSwitch {
  readonly kind: string;
  readonly name: string;
  readonly setBy: string;
  readonly reason: string | null;
  readonly at: string;
}

function Problem(props: { error: string | null }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

/** Locations with their bays and devices; adding a location and setting its bays. */
export function VenuePanel() {
  const locations = useResource(() => api<{ locations: Location[] }>('GET', '/v1/locations'), []);
  const devices = useResource(() => api<{ devices: Device[] }>('GET', '/v1/devices'), []);
  const [name, setName] = useState('');
  const [bays, setBays] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <form
        class="card"
        aria-labelledby="new-loc-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await api('POST', '/v1/locations', { name });
            const n = Number(bays);
            if (n > 0) await api('PUT', `/v1/locations/${encodeURIComponent(name)}/bays`, { bays: Array.from({ length: n }, (_, i) => ({ number: i + 1 })) });
            setName('');
            setBays('');
            locations.reload();
          } catch (err) {
            setError(describeError(err));
          }
        }}
      >
        <h2 id="new-loc-title">New location</h2>
        <div class="field">
          <label for="loc-name">Name</label>
          <input id="loc-name" required maxLength={80} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="loc-bays">Number of bays</label>
          <input id="loc-bays" type="number" min={0} max={200} inputMode="numeric" value={bays} onInput={(e) => setBays((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <Problem error={error} />
        <button type="submit" class="primary">
          Add location
        </button>
      </form>
      <Problem error={locations.error ?? devices.error} />
      <div class="scroll">
        <table>
          <caption>Locations</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">bays</th>
              <th scope="col">devices</th>
              <th scope="col">line</th>
            </tr>
          </thead>
          <tbody>
            {(locations.data?.locations ?? []).map((l) => (
              <tr key={l.name}>
                <th scope="row">
                  {l.name} {l.code && <span class="muted">({l.code})</span>}
                </th>
                <td>{l.bays.map((b) => b.label ?? String(b.number)).join(', ') || 'none'}</td>
                <td>
                  {(devices.data?.devices ?? [])
                    .filter((d) => d.location === l.name)
                    .map((d) => `${d.kind}${d.bay !== null ? ` (bay ${d.bay})` : ''} via ${d.integration}`)
                    .join('; ') || 'none'}
                </td>
                <td>{l.openphoneNumber ?? 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Kill switches: stop one action everywhere, or everything at one location, until cleared. */
export function KillSwitchPanel() {
  const switches = useResource(() => api<{ killSwitches: KillSwitch[] }>('GET', '/v1/admin/kill-switches'), []);
  const actions = useResource(() => catalogue(), []);
  const [kind, setKind] = useState<'action' | 'location'>('action');
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      switches.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <section class="card" aria-labelledby="ks-title">
      <h2 id="ks-title">Kill switches</h2>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => api('PUT', `/v1/admin/kill-switches/${kind}/${encodeURIComponent(name)}`, reason.trim() ? { reason: reason.trim() } : {}));
        }}
      >
        <div class="field">
          <label for="ks-kind">Stop</label>
          <select id="ks-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as 'action' | 'location')}>
            <option value="action">an action</option>
            <option value="location">a location</option>
          </select>
        </div>
        <div class="field">
          <label for="ks-name">{kind === 'action' ? 'Action' : 'Location'}</label>
          {kind === 'action' ? (
            <select id="ks-name" required value={name} onChange={(e) => setName((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Choose…</option>
              {(actions.data ?? [])
                .filter((c) => c.kind === 'action' || c.kind === 'reply')
                .map((c) => (
                  <option key={c.decision} value={c.decision}>
                    {c.decision}
                  </option>
                ))}
            </select>
          ) : (
            <input id="ks-name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          )}
        </div>
        <div class="field">
          <label for="ks-reason">Reason</label>
          <input id="ks-reason" value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="danger">
          Stop it
        </button>
      </form>
      <Problem error={error ?? switches.error} />
      {(switches.data?.killSwitches ?? []).length === 0 ? (
        <p class="muted">No kill switch in force.</p>
      ) : (
        <ul class="plain">
          {switches.data!.killSwitches.map((k) => (
            <li key={`${k.kind}:${k.name}`} class="alarm">
              {k.kind} <strong>{k.name}</strong> stopped {when(k.at)}
              {k.reason ? `: ${k.reason}` : ''}{' '}
              <button type="button" onClick={() => run(() => api('DELETE', `/v1/admin/kill-switches/${k.kind}/${encodeURIComponent(k.name)}`))}>
                Clear
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
