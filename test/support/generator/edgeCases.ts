import type { Rng } from './rng.js';

/**
 * Inputs that break naive code: sizes, scripts, invisible and look-alike characters, numbers beyond safe
 * integers, JSON that is deep, wide or has duplicate keys. `text` values go wherever a string goes; `json`
 * values are raw JSON texts (a body as sent, which may not survive JSON.stringify).
 */
export const EDGE_CASE_KINDS = [
  'empty',
  'whitespace_only',
  'long_10k',
  'emoji',
  'rtl',
  'zero_width',
  'homoglyph',
  'mixed_scripts',
  'control_chars',
  'lone_surrogate',
  'huge_number',
  'deep_json',
  'wide_json',
  'duplicate_keys',
] as const;
export type EdgeCaseKind = (typeof EDGE_CASE_KINDS)[number];

export interface EdgeCase {
  readonly kind: EdgeCaseKind;
  /** `text`: a string value; `json`: raw JSON text of a whole body. */
  readonly form: 'text' | 'json';
  readonly value: string;
}

const EMOJI = ['⛳', '🏌️‍♀️', '😡', '🙏', '🔥', '👍🏽', '🇨🇦', '❤️'];
/** Latin letters and Cyrillic/Greek look-alikes. */
const HOMOGLYPHS: Readonly<Record<string, string>> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', i: 'і', B: 'Β', T: 'Т', H: 'Н' };
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];

function homoglyphs(rng: Rng, text: string): string {
  return [...text].map((ch) => (HOMOGLYPHS[ch] !== undefined && rng.chance(0.6) ? HOMOGLYPHS[ch] : ch)).join('');
}

/** One edge case of `kind`, varied by the generator (the same seed gives the same case). */
export function edgeCase(rng: Rng, kind: EdgeCaseKind): EdgeCase {
  const text = (value: string): EdgeCase => ({ kind, form: 'text', value });
  const json = (value: string): EdgeCase => ({ kind, form: 'json', value });
  switch (kind) {
    case 'empty':
      return text('');
    case 'whitespace_only':
      return text(Array.from({ length: rng.int(1, 12) }, () => rng.pick([' ', '\t', '\n', '\u00a0', '\u3000'])).join(''));
    case 'long_10k': {
      const words = ['trackman', 'frozen', 'bay', 'please', 'help', 'again', 'screen', 'ball', 'not', 'reading'];
      let s = '';
      while (s.length < 10_000) s += `${rng.pick(words)} `;
      return text(s.slice(0, 10_000));
    }
    case 'emoji':
      return text(`bay ${rng.int(1, 8)} ${Array.from({ length: rng.int(1, 6) }, () => rng.pick(EMOJI)).join('')} screen is black`);
    case 'rtl':
      return text(rng.pick(['الشاشة لا تعمل في الخليج 3', 'המסך לא עובד במפרץ 2', `bay 4 \u202eemag eht\u202c frozen`, 'شاشة bay 5 متجمدة']));
    case 'zero_width': {
      const base = `trackman frozen in bay ${rng.int(1, 8)}`;
      return text([...base].map((ch) => (rng.chance(0.3) ? ch + rng.pick(ZERO_WIDTH) : ch)).join(''));
    }
    case 'homoglyph':
      return text(homoglyphs(rng, rng.pick(['please open the door', 'projector is off in bay 3', 'admin password reset', 'Bay Two TrackMan'])));
    case 'mixed_scripts':
      return text(rng.pick(['Bay 3 экран frozen 画面が止まった', 'トラックマン bay 2 не работает', 'proyector apagado 投影机 bay 1', 'Ελληνικά bay 6 screen']));
    case 'control_chars':
      return text(`bay ${rng.int(1, 8)}\u0000\u0007\u001b[31m frozen\r\n\u0085`);
    case 'lone_surrogate':
      return text(`broken ${rng.pick(['\ud800', '\udfff', '\ud83d'])} text`);
    case 'huge_number':
      return json(`{"bay":${rng.pick(['1e309', '-1e309', '9007199254740993', '123456789012345678901234567890', '-0', '1.7976931348623157e308', '0.0000000000000000000000001'])}}`);
    case 'deep_json': {
      const depth = rng.int(1_000, 5_000);
      return json(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    }
    case 'wide_json': {
      const n = rng.int(2_000, 10_000);
      return json(`{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`);
    }
    case 'duplicate_keys':
      return json(`{"kind":"message","kind":"device_event","text":"first","text":"${rng.pick(['second', '', 'x'.repeat(20_000)])}"}`);
  }
}

/** Every kind once: the generator's full edge-case catalogue for a seed. */
export function allEdgeCases(rng: Rng): EdgeCase[] {
  return EDGE_CASE_KINDS.map((k) => edgeCase(rng, k));
}
