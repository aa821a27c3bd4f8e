/**
 * Approved reply templates: fixed text with `{{name}}` placeholders filled from values the system knows
 * (the location's name, its booking link, a bay). Values are inserted as they are and never parsed again,
 * so a value holding `{{x}}` stays literal. A placeholder without a value makes the render fail: a reply
 * with a hole in it is never sent.
 */

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]{0,63})\s*\}\}/g;

export type RenderOutcome = { readonly kind: 'rendered'; readonly text: string } | { readonly kind: 'missing'; readonly names: readonly string[] };

/**
 * @example
 * renderTemplate('Book at {{booking_link}}', { booking_link: 'https://book.example/dar' }); // { kind: 'rendered', text: 'Book at https://book.example/dar' }
 * renderTemplate('Bay {{bay}}?', {}); // { kind: 'missing', names: ['bay'] }
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): RenderOutcome {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (_m, name: string) => {
    const v = Object.hasOwn(values, name) ? values[name] : undefined;
    if (v === undefined) {
      missing.add(name);
      return '';
    }
    return v;
  });
  return missing.size > 0 ? { kind: 'missing', names: [...missing].sort() } : { kind: 'rendered', text: out };
}

/**
 * The placeholder names a template uses, in order of first use.
 *
 * @example
 * placeholders('Hi {{location}}, see {{booking_link}} ({{location}})'); // ['location', 'booking_link']
 */
export function placeholders(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names;
}

/** Template keys: lower snake case, as the catalogue names its replies (`reply_faq_hours`, `clarify_bay`). */
export const TEMPLATE_KEY = /^[a-z][a-z0-9_]{0,63}$/;
