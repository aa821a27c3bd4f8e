import type { RuleHit } from '../types.js';

/** Names template sandboxes expose that lead to the host (Jinja, Twig, Mako, Tornado, Django). */
const templateGlobals =
  /^(?:request|config|self|settings|app|g|session|cycler|joiner|namespace|lipsum|url_for|get_flashed_messages|range|dict|_self|env|environ|context|application|this|class|global|process|constructor)\b/i;
const expressionSyntax = /[-+*/%]\s*\d|\d\s*[-+*/%]|[.([|'"]|__\w+__|\?\w+\(|\bnew\b/;

const delimited = [
  { open: '{{', close: '}}', name: 'double_brace' },
  { open: '${', close: '}', name: 'dollar_brace' },
  { open: '#{', close: '}', name: 'hash_brace' },
  { open: '*{', close: '}', name: 'selection_brace' },
  { open: '@{', close: '}', name: 'link_brace' },
  { open: '~{', close: '}', name: 'fragment_brace' },
  { open: '<%=', close: '%>', name: 'erb' },
  { open: '<%', close: '%>', name: 'erb' },
  { open: '{%', close: '%}', name: 'statement' },
  { open: '[[', close: ']]', name: 'inline' },
  { open: '{#', close: '#}', name: 'comment' },
] as const;

/** `{% ... %}` tags that import, execute or loop: ordinary output tags with filters are templates, not attacks. */
const statementTag = /^(?:import|include|extends|from|for|set|macro|call|debug|load|raw|exec|python|php)\b|__/i;
const directive = /\{\$[a-z_]\w*(?:\.\w|\|)|<#(?:assign|include|import|list|if|macro)\b|\[#(?:assign|include|import)\b|#set\s*\(|#foreach\s*\(|\{php\}|\{\/?(?:if|foreach|include|system)\b|freemarker\.template|\?new\s*\(|\bT\s*\(\s*java\./i;
const objectWalk = /__(?:class|mro|subclasses|globals|builtins|import|init|base|bases|dict|getattribute)__/i;

/**
 * Template injection: an expression between template delimiters, engine directives, or the
 * Python object walk (`__class__.__mro__`). A bare placeholder such as `{{name}}` scores low.
 * @example judgeSsti('{{7*7}}')?.score // 5
 * @example judgeSsti('Hello {{firstName}}')?.score // 2
 */
export function judgeSsti(s: string): RuleHit | null {
  if (objectWalk.test(s)) return { kind: 'ssti', rule: 'ssti.object_walk', score: 5 };
  if (directive.test(s)) return { kind: 'ssti', rule: 'ssti.directive', score: 5 };
  let weak: RuleHit | null = null;
  for (const d of delimited) {
    let at = s.indexOf(d.open);
    // Bounded: at most 32 expressions per delimiter, and nothing after an unclosed one (its body is the rest).
    for (let seen = 0; at >= 0 && seen < 32; seen++) {
      const close = s.indexOf(d.close, at + d.open.length);
      const body = (close < 0 ? s.slice(at + d.open.length) : s.slice(at + d.open.length, close)).trim();
      if (body.length > 0 && (close >= 0 || body.length > 2)) {
        // `#{"color":"#2a1100"}` after a URL fragment is JSON, not an expression.
        if (/^["'][\w-]+["']\s*:/.test(body)) {
          at = s.indexOf(d.open, at + d.open.length);
          continue;
        }
        if (d.name === 'statement' ? statementTag.test(body) : expressionSyntax.test(body) || templateGlobals.test(body)) return { kind: 'ssti', rule: `ssti.${d.name}`, score: 5 };
        if (/^[\w.]+$/.test(body)) weak = { kind: 'ssti', rule: `ssti.${d.name}_placeholder`, score: 2 };
      }
      if (close < 0) break;
      at = s.indexOf(d.open, at + d.open.length);
    }
  }
  return weak;
}
