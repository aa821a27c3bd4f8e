import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { type CatalogueEntry, catalogue, humanize } from '../catalogue.js';
import { ParamFields, type ParamValues, paramsFrom } from './ParamForm.js';

export type AnswerKind = 'approve' | 'veto' | 'modify' | 'decide' | 'reject';

export async function answer(eventId: string, body: { kind: AnswerKind; decision?: string; params?: Record<string, string | number>; reason?: string }): Promise<void> {
  await api('POST', `/v1/events/${eventId}/decision`, body);
}

/**
 * Choose a decision from the catalogue and fill its parameters (form generated from the decision's schema):
 * `modify` a proposal, or `decide` from scratch.
 */
export function DecisionForm(props: {
  eventId: string;
  kind: 'modify' | 'decide';
  initialDecision?: string | null;
  initialParams?: Readonly<Record<string, string | number>>;
  onDone: () => void;
  onCancel?: () => void;
}) {
  const [entries, setEntries] = useState<CatalogueEntry[] | null>(null);
  const [decision, setDecision] = useState(props.initialDecision ?? '');
  const [values, setValues] = useState<ParamValues>(() => Object.fromEntries(Object.entries(props.initialParams ?? {}).map(([k, v]) => [k, String(v)])));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    catalogue().then(setEntries, (err: unknown) => setError(describeError(err)));
  }, []);
  const entry = entries?.find((e) => e.decision === decision) ?? null;
  const id = `${props.kind}-${props.eventId.slice(0, 8)}`;
  return (
    <form
      class="decision-form"
      aria-label={props.kind === 'modify' ? 'Modify the proposal' : 'Decide from scratch'}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!entry) return setError('Choose a decision.');
        setBusy(true);
        setError(null);
        try {
          await answer(props.eventId, { kind: props.kind, decision: entry.decision, params: paramsFrom(entry.params, values), ...(reason.trim() ? { reason: reason.trim() } : {}) });
          props.onDone();
        } catch (err) {
          setError(describeError(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <div class="field">
        <label for={`${id}-decision`}>Decision</label>
        <select id={`${id}-decision`} value={decision} required onChange={(e) => setDecision((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">Choose…</option>
          {(entries ?? []).map((c) => (
            <option key={c.decision} value={c.decision}>
              {`${humanize(c.decision)} (${c.kind}, ${c.risk})`}
            </option>
          ))}
        </select>
      </div>
      {entry && <ParamFields idPrefix={id} schema={entry.params} values={values} onChange={setValues} />}
      <div class="field">
        <label for={`${id}-reason`}>Reason (optional)</label>
        <input id={`${id}-reason`} type="text" maxLength={500} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {props.kind === 'modify' ? 'Send modified' : 'Decide'}
        </button>
        {props.onCancel && (
          <button type="button" class="ghost" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
