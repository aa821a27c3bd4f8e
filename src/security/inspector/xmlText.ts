import { htmlEntityDecode } from './decode.js';

const attrPattern = /([\w:.-]+)\s*=\s*(?:"([^"]*)"?|'([^']*)'?)/g;

/**
 * The strings an XML parser hands the application: attribute values and text (entities decoded,
 * CDATA unwrapped). Markup itself is not user data.
 * @example xmlStrings('<a probe="1 &quot;x&quot;">hi</a>') // ['1 "x"', 'hi']
 */
export function xmlStrings(xml: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = (lt < 0 ? xml.slice(i) : xml.slice(i, lt)).trim();
    if (text.length > 0) out.push(htmlEntityDecode(text));
    if (lt < 0) break;
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      out.push(xml.slice(lt + 9, end < 0 ? xml.length : end));
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    const gt = findTagEnd(xml, lt);
    const tag = xml.slice(lt, gt);
    attrPattern.lastIndex = 0;
    for (let m = attrPattern.exec(tag); m !== null; m = attrPattern.exec(tag)) out.push(htmlEntityDecode(m[2] ?? m[3] ?? ''));
    i = gt + 1;
  }
  return out;
}

/** The `>` that ends a tag, skipping quoted attribute values. */
function findTagEnd(s: string, from: number): number {
  let q = '';
  for (let i = from + 1; i < s.length; i++) {
    const ch = s[i]!;
    if (q !== '') {
      if (ch === q) q = '';
    } else if (ch === '"' || ch === "'") q = ch;
    else if (ch === '>') return i;
  }
  return s.length;
}
