import { useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { useResource } from '../hooks.js';
import { when } from '../types.js';

export interface AuditStatus {
  readonly ok: boolean;
  readonly verifiedThrough: number;
  readonly signedThrough: number | null;
  readonly firstBadSeq: number | null;
  readonly reason: string | null;
  readonly at: string;
  readonly summary: string;
}

interface Entry {
  readonly seq: number;
  readonly at?: string;
  readonly action: string;
  readonly actor?: { type: string; id: string };
  readonly resource?: { type: string; id: string } | null;
  readonly location?: string | null;
}

/** The chain's verification status: "verified up to N at T", or where it broke. */
export function AuditStatusLine(props: { status: AuditStatus }) {
  const s = props.status;
  return (
    <p class={s.ok ? 'ok' : 'alarm'} role={s.ok ? undefined : 'alert'} data-testid="audit-status">
      {s.ok ? '✔ ' : '✖ '}Audit chain {s.summary}
      {s.signedThrough !== null ? `, signed through ${s.signedThrough}` : ''}.
    </p>
  );
}

const isoDay = (d: Date) => d.toISOString().slice(0, 16);

export function AuditPanel() {
  const status = useResource(() => api<AuditStatus>('GET', '/v1/audit/status'), []);
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 7 * 86_400_000)));
  const [to, setTo] = useState(() => isoDay(new Date(Date.now() + 3_600_000)));
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const period = () => `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      {status.data && <AuditStatusLine status={status.data} />}
      <button
        type="button"
        onClick={async () => {
          setError(null);
          try {
            await api('POST', '/v1/audit/verify', {});
            status.reload();
          } catch (err) {
            setError(describeError(err));
          }
        }}
      >
        Verify now
      </button>
      <form
        class="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            setEntries((await api<{ entries: Entry[] }>('GET', `/v1/audit/entries?${period()}`)).entries);
          } catch (err) {
            setError(describeError(err));
          }
        }}
      >
        <div class="field">
          <label for="audit-from">From</label>
          <input id="audit-from" type="datetime-local" value={from} required onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="audit-to">To</label>
          <input id="audit-to" type="datetime-local" value={to} required onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit">Show entries</button>
        <a class="button ghost" href={`/v1/audit/entries?${period()}&format=csv`} download="audit-entries.csv">
          Export CSV
        </a>
        <a class="button ghost" href={`/v1/audit/report?${period()}&format=csv`} download="compliance-report.csv">
          Compliance report
        </a>
      </form>
      {(error ?? status.error) && (
        <p class="error" role="alert">
          {error ?? status.error}
        </p>
      )}
      {entries && (
        <div class="scroll">
          <table>
            <caption>{entries.length} entries</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">when</th>
                <th scope="col">action</th>
                <th scope="col">actor</th>
                <th scope="col">resource</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((x) => (
                <tr key={x.seq}>
                  <td>{x.seq}</td>
                  <td>{x.at ? when(x.at) : ''}</td>
                  <td>{x.action}</td>
                  <td>{x.actor ? `${x.actor.type}:${x.actor.id.slice(0, 8)}` : ''}</td>
                  <td>{x.resource ? `${x.resource.type}:${x.resource.id.slice(0, 12)}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
