import type { RuleHit } from '../types.js';
import { type HtmlTag, scanTags } from './htmlScan.js';

/** Tags that load or run code by themselves. */
const scriptingTags = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'import',
  'isindex',
  'xml',
  'vmlframe',
  'xss',
  'set',
  'handler',
  'listener',
  'animate',
]);
/** Attributes whose value a browser navigates to or loads. */
const urlAttributes = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'background',
  'dynsrc',
  'lowsrc',
  'xlink:href',
  'poster',
  'codebase',
  'content',
  'from',
  'to',
  'values',
  'by',
  'srcdoc',
  'lang',
  'style',
  'implementation',
]);

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'xss', rule: `xss.${rule}`, score });

/** Removes what browsers ignore inside a URL scheme (`jav&#x09;ascript:`, `java\0script:`). */
const schemeOf = (v: string): string => v.replace(/[\s\0-\x1f\\]+/g, '').toLowerCase();
const scriptScheme = /^(?:[\W\d_]*)(?:javascript|vbscript|livescript|mocha|jscript):|^data:(?:text\/html|image\/svg|application\/(?:x-)?(?:javascript|ecmascript|xhtml))/;
const styleCode = /expression\s*\(|javascript:|vbscript:|behavio(?:u)?r\s*:|-moz-binding|@import|url\s*\(\s*['"]?\s*(?:javascript|data):/i;

/**
 * Judges a value as HTML/JS: scripting tags, event-handler attributes, script URLs, style code,
 * and breakouts from an attribute or a JS string. Rich text without any of those stays clean.
 * @example judgeXss('<img src=x onerror=alert(1)>')?.rule // 'xss.event_handler'
 * @example judgeXss('<ul><li>Clubs</li></ul>') // null
 */
export function judgeXss(s: string): RuleHit | null {
  if (s.indexOf('<') >= 0) {
    const found = judgeTags(scanTags(s));
    if (found !== null) return found;
  }
  const lower = s.toLowerCase();
  if (scriptScheme.test(schemeOf(s))) return hit('script_url');
  if (/(?:^|["'`\s>])(?:javascript|vbscript)\s*:\s*\S/.test(lower) && jsSink.test(lower)) return hit('script_url');
  if (attributeBreakout.test(s)) return hit('attribute_breakout');
  if (jsStringBreakout.test(s)) return hit('js_string_breakout');
  if (/<\s*\/?\s*script\b/i.test(s)) return hit('scripting_tag');
  return null;
}

const jsSink =
  /\b(?:alert|prompt|confirm|eval|settimeout|setinterval|function|constructor|fetch|import|atob|top|self|window|document|location|this|parent|frames|globalthis)\b\s*[(`[.=]|\balert\b|\bprompt\b|\bconfirm\b/i;

/** `" onmouseover="alert(1)`: leaves an attribute value and adds an event handler. */
const attributeBreakout =
  /(?:^|["'`\s/;])on[a-z]{3,}\s*=\s*(?:["'`]\s*)?[^\s"'`]*(?:[(`]|\b(?:alert|prompt|confirm|eval|javascript|location|document|window|top|self|this)\b)/i;

/** `';alert(1)//`, `"-prompt(1)-"`: closes a JS string and calls a sink. */
const jsStringBreakout =
  /["'`]\s*(?:[-+*/;,|&)}\]]|\|\||&&)+\s*(?:[a-z_$][\w$.]*\s*=\s*)?(?:\(?\s*)(?:alert|prompt|confirm|eval|settimeout|setinterval|fetch|import|document\.\w+|window\.\w+|location|top\[|self\[|this\[|constructor)\b\s*[(`[.=]?/i;

function judgeTags(tags: readonly HtmlTag[]): RuleHit | null {
  for (const tag of tags) {
    if (scriptingTags.has(tag.name) && (!tag.closing || tag.name === 'script')) return hit('scripting_tag');
    for (const a of tag.attributes) {
      if (/^on[a-z]{3,}/.test(a.name)) return hit('event_handler');
      if (urlAttributes.has(a.name) && scriptScheme.test(schemeOf(a.value))) return hit('script_url');
      if (a.name === 'style' && styleCode.test(a.value)) return hit('style_code');
      if (a.name === 'http-equiv' && /refresh|set-cookie/i.test(a.value)) return hit('meta_refresh');
      if ((a.name === 'xmlns' || a.name === 'xmlns:xlink') && tag.name === 'html') return hit('scripting_tag');
      if (/javascript:|vbscript:/i.test(schemeOf(a.value))) return hit('script_url');
    }
    if (tag.name === 'style' && !tag.closing) return hit('style_code', 4);
    if ((tag.name === 'svg' || tag.name === 'math') && !tag.closing && tags.length > 1) return hit('scripting_tag', 4);
  }
  return null;
}
