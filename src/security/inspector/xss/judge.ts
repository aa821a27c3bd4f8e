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
  'stylesheet',
  'xsl:stylesheet',
  'eval',
  'link',
  'meta',
  'vmlframe',
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
/** Inside a style attribute: leaving the declaration (`}`), loading (`url(`) or escaping (`\\3c`). */
const cssBreakout = /[{}\\]|url\s*\(/i;
const cssComment = /\/\*[\s\S]*?\*\//g;
const styleCode = /expression\s*\(|javascript:|vbscript:|behavio(?:u)?r\s*:|-moz-binding|@import|url\s*\(\s*['"]?\s*(?:javascript|data):/i;

const jsCall = /!\s*\[\s*\]|\b(?:alert|prompt|confirm|atob|btoa)(?:\(|`)|\bnew\s+Function\s*\(|\.(?:call|apply|bind)\s*`|\[\s*\]\s*\.\s*(?:sort|map|filter|reduce)\b|\bimport\s*\{[^}]{0,128}\}\s*from\s*["'`]/i;
const domObject =
  /(?:document|window|self|top|parent|globalthis|frames)\)?(?:\.(?:cookie|domain|location|write|writeln|body|createelement|open|alert|eval|localstorage|sessionstorage|queryselector(?:all)?|getelementbyid|getelementsby\w+|documentelement|execcommand|designmode|forms|scripts|defaultview)\b|\[["'`])/;

/**
 * Script-context XSS without markup: calls of dialog/encoding sinks, DOM objects reached for
 * cookies, location or bracket access (comments and spacing removed first), template-literal calls.
 * Not applied to URL paths, where `document.cookie` is a page name.
 * @example judgeJsSink('window["alert"](1)')?.rule // 'xss.js_sink'
 */
export function judgeJsSink(s: string): RuleHit | null {
  if (jsCall.test(s)) return hit('js_sink');
  if (!/document|window|self|top|parent|globalthis|frames/i.test(s)) return null;
  const compact = s.replace(cssComment, '').replace(/\s+/g, '').toLowerCase();
  return domObject.test(compact) ? hit('js_sink') : null;
}

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
  if (attributeBreakout.test(s) || eventAttribute.test(s)) return hit('attribute_breakout');
  if (styleBreakout.test(s.replace(cssComment, ''))) return hit('style_code');
  if (markupDirective.test(s)) return hit('markup_directive');
  if (s.indexOf('<') >= 0) for (const m of s.matchAll(spacedTag)) if (spacedNames.has(m[1]!.replace(/\s+/g, '').toLowerCase())) return hit('spaced_tag');
  if (jsStringBreakout.test(s)) return hit('js_string_breakout');
  if (/<\s*\/?\s*script\b/i.test(s)) return hit('scripting_tag');
  return null;
}

const jsSink =
  /\b(?:alert|prompt|confirm|eval|settimeout|setinterval|function|constructor|fetch|import|atob|top|self|window|document|location|this|parent|frames|globalthis)\b\s*[(`[.=]|\balert\b|\bprompt\b|\bconfirm\b/i;

/** `" onmouseover="alert(1)`: leaves an attribute value and adds an event handler. */
const attributeBreakout =
  /(?:^|["'`\s/;])on[a-z]{3,}\s*=\s*(?:["'`]\s*)?[^\s"'`]{0,128}(?:[(`]|\b(?:alert|prompt|confirm|eval|javascript|location|document|window|top|self|this)\b)/i;

/** A DOM event handler name followed by `=`: `" onload=`, `  onmouseover= `. */
const eventAttribute =
  /(?:^|["'`\s/;])on(?:error|load|unload|mouse[a-z]*|click|dblclick|focus[a-z]*|blur|key[a-z]+|change|submit|reset|select|abort|drag[a-z]*|drop|animation[a-z]+|transition[a-z]+|toggle|begin|end|repeat|pointer[a-z]+|touch[a-z]+|wheel|scroll|resize|beforeunload|hashchange|message|pageshow|popstate|storage|input|invalid|search|copy|cut|paste|contextmenu|play[a-z]*|pause|ended|canplay[a-z]*|loadstart|progress|readystatechange|start|finish|bounce|activate|beforeactivate|afterprint|beforeprint|show|formchange|forminput|propertychange|filterchange|help|error)\s*=/i;

/** `style=x:expression(...)`, `-moz-binding`: code smuggled through CSS. */
const styleBreakout = /\bstyle\s*=\s*["'`]?[^"'`>]{0,256}?(?:expression\s*\(|javascript:|-moz-binding|behavior\s*:)|-moz-binding\s*:|@import\s*['"]?\s*(?:javascript|data):|expression\s*\(\s*(?:alert|prompt|confirm|eval|document|window)/i;

/** XML/XSLT constructs that make a browser run or fetch code: stylesheets, external entities. */
const markupDirective =
  /!ENTITY\s+%?\s*\w+\s+(?:SYSTEM|PUBLIC)\b|<!ATTLIST\b|<!\[CDATA\[[\s\S]{0,256}<script|<\?(?:import|xml:namespace)\b|<import|<xi:include\b|xsi:schemaLocation\s*=\s*["'][^"']*https?:|\bformaction\s*=|url\s*\(\s*["']?\s*(?:javascript|vbscript)|\+?ADw-\s*\/?\s*script|charset\s*=\s*["']?utf-7/i;

/** `<f o r m`: a tag name spelled with spaces, which some filters and parsers collapse. */
const spacedTag = /<\s*((?:[a-z]\s+){2,}[a-z])\b/gi;
const spacedNames = new Set(['form', 'script', 'dialog', 'iframe', 'svg', 'img', 'object', 'embed', 'style', 'body', 'input', 'video', 'audio', 'details', 'marquee']);

/** `';alert(1)//`, `"-prompt(1)-"`: closes a JS string and calls a sink. */
const jsStringBreakout =
  /["'`]\s*(?:[-+*/;,|&)}\]]|\|\||&&)+\s*(?:[a-z_$][\w$.]*\s*=\s*)?(?:\(?\s*)(?:alert|prompt|confirm|eval|settimeout|setinterval|fetch|import|document\.\w+|window\.\w+|location|top\[|self\[|this\[|constructor)\b\s*[(`[.=]?/i;

function judgeTags(tags: readonly HtmlTag[]): RuleHit | null {
  for (const tag of tags) {
    // Namespaced names (`x:script`, `v:vmlframe`) are the same element to the browser.
    const local = tag.name.slice(tag.name.indexOf(':') + 1);
    if (scriptingTags.has(local) && (!tag.closing || local === 'script')) return hit('scripting_tag');
    if (tag.closing) continue;
    if (tag.name === 'style' || ((tag.name === 'svg' || tag.name === 'math') && tags.some((t) => t !== tag && !t.closing))) return hit('scripting_tag');
    for (const a of tag.attributes) {
      if (/^on[a-z]{3,}/.test(a.name)) return hit('event_handler');
      if (urlAttributes.has(a.name) && scriptScheme.test(schemeOf(a.value))) return hit('script_url');
      if (a.name === 'style' && (styleCode.test(a.value.replace(cssComment, '')) || cssBreakout.test(a.value))) return hit('style_code');
      if (a.name === 'http-equiv' && /refresh|set-cookie|link/i.test(a.value)) return hit('meta_refresh');
      if (a.name === 'datasrc' || a.name === 'dataformatas') return hit('data_binding');
      // Declaring the XLink namespace on user-supplied SVG sets up `xlink:href` script URLs.
      if (a.name === 'xmlns:xlink' && (local === 'svg' || local === 'math')) return hit('scripting_tag');
      if (/javascript:|vbscript:/i.test(schemeOf(a.value))) return hit('script_url');
    }
  }
  return null;
}
