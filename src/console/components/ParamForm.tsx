/**
 * A form generated from a decision's parameter schema (the catalogue's JSON Schema, the same the API validates
 * with): strings become text fields, integers number fields; required fields are marked and enforced.
 */

export interface ParamSchema {
  readonly type: 'object';
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, { readonly type?: string; readonly minimum?: number; readonly maximum?: number; readonly maxLength?: number }>>;
}

export type ParamValues = Record<string, string>;

const LABELS: Readonly<Record<string, string>> = { location: 'Location', bay: 'Bay', bookingId: 'Booking id', device: 'Device', category: 'Category', item: 'Item', template: 'Template' };

/** Form values (strings) → the typed params object the API expects; empty optional fields are left out. */
export function paramsFrom(schema: ParamSchema, values: ParamValues): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    const v = (values[name] ?? '').trim();
    if (v === '') continue;
    out[name] = prop.type === 'integer' ? Number(v) : v;
  }
  return out;
}

export function ParamFields(props: { idPrefix: string; schema: ParamSchema; values: ParamValues; onChange: (v: ParamValues) => void }) {
  return (
    <>
      {Object.entries(props.schema.properties).map(([name, prop]) => {
        const id = `${props.idPrefix}-${name}`;
        const required = props.schema.required.includes(name);
        return (
          <div class="field" key={name}>
            <label for={id}>
              {LABELS[name] ?? name}
              {required ? ' (required)' : ''}
            </label>
            <input
              id={id}
              name={name}
              type={prop.type === 'integer' ? 'number' : 'text'}
              inputMode={prop.type === 'integer' ? 'numeric' : undefined}
              min={prop.minimum}
              max={prop.maximum}
              maxLength={prop.maxLength}
              required={required}
              value={props.values[name] ?? ''}
              onInput={(e) => props.onChange({ ...props.values, [name]: (e.currentTarget as HTMLInputElement).value })}
            />
          </div>
        );
      })}
    </>
  );
}
