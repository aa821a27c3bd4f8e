import type { Kysely, Selectable } from 'kysely';
import { renderTemplate } from '../../venue/templateText.js';
import type { ReplyTemplates } from '../../venue/ports.js';
import type { DB, ReplyTemplatesTable } from '../schema.js';

export interface TemplateRecord {
  readonly key: string;
  /** null = the venue-wide default. */
  readonly location: string | null;
  readonly text: string;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

const toTemplate = (r: Selectable<ReplyTemplatesTable>): TemplateRecord => ({ key: r.key, location: r.location, text: r.text, updatedBy: r.updated_by, updatedAt: r.updated_at });

/**
 * Approved reply templates, venue-wide with per-location overrides. Rendering fills `{{location}}` and
 * `{{booking_link}}` from the location's record (or the configured default link) unless the caller
 * passes them; a template with a placeholder left unfilled renders as null, never as a reply with a hole.
 */
export function templateStore(db: Kysely<DB>, defaults: { readonly bookingUrl: string | null }): ReplyTemplates & {
  list(locations: readonly string[] | null): Promise<TemplateRecord[]>;
  get(location: string | null, key: string): Promise<TemplateRecord | null>;
  put(location: string | null, key: string, text: string, by: string, at: Date): Promise<{ readonly before: TemplateRecord | null; readonly after: TemplateRecord }>;
} {
  const exact = async (location: string | null, key: string): Promise<TemplateRecord | null> => {
    let q = db.selectFrom('reply_templates').selectAll().where('key', '=', key);
    q = location === null ? q.where('location', 'is', null) : q.where((eb) => eb(eb.fn('lower', ['location']), '=', location.trim().toLowerCase()));
    const r = await q.executeTakeFirst();
    return r ? toTemplate(r) : null;
  };

  return {
    get: exact,
    async list(locations) {
      let q = db.selectFrom('reply_templates').selectAll();
      if (locations !== null) {
        const allowed = locations.map((l) => l.toLowerCase());
        q = q.where((eb) => (allowed.length === 0 ? eb('location', 'is', null) : eb.or([eb('location', 'is', null), eb(eb.fn('lower', ['location']), 'in', allowed)])));
      }
      return (await q.orderBy('key').orderBy('location').execute()).map(toTemplate);
    },
    async put(location, key, text, by, at) {
      return db.transaction().execute(async (tx) => {
        let q = tx.selectFrom('reply_templates').selectAll().where('key', '=', key);
        q = location === null ? q.where('location', 'is', null) : q.where((eb) => eb(eb.fn('lower', ['location']), '=', location.trim().toLowerCase()));
        const current = await q.forUpdate().executeTakeFirst();
        const row = current
          ? await tx.updateTable('reply_templates').set({ text, updated_by: by, updated_at: at }).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow()
          : await tx.insertInto('reply_templates').values({ location, key, text, updated_by: by, updated_at: at }).returningAll().executeTakeFirstOrThrow();
        return { before: current ? toTemplate(current) : null, after: toTemplate(row) };
      });
    },
    async render(location, key, values) {
      const template = (location !== null ? await exact(location, key) : null) ?? (await exact(null, key));
      if (template === null) return null;
      const place =
        location === null ? null : await db.selectFrom('locations').select(['name', 'booking_url']).where((eb) => eb(eb.fn('lower', ['name']), '=', location.trim().toLowerCase())).executeTakeFirst();
      const known: Record<string, string> = {};
      if (location !== null) known.location = place?.name ?? location;
      const link = place?.booking_url ?? defaults.bookingUrl;
      if (link !== null) known.booking_link = link;
      const out = renderTemplate(template.text, { ...known, ...values });
      return out.kind === 'rendered' ? out.text : null;
    },
  };
}

export type TemplateStore = ReturnType<typeof templateStore>;
