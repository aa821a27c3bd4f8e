import type { RuleHit } from '../types.js';

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'code_injection', rule: `code.${rule}`, score });

const patterns: readonly [RegExp, string][] = [
  // JavaScript / Node.js
  [/\b(?:eval|Function|setTimeout|setInterval|execScript|setImmediate)\s*\(\s*["'`\w(]/, 'js_eval'],
  [/\brequire\s*\(?\s*["'`]?(?:child_process|fs|net|vm|os|http)\b|\bchild_process\b/, 'node_module'],
  [/\bprocess\s*\.\s*(?:binding|mainModule|env|exit|kill|dlopen|spawn|exec)\b|\bglobal\s*\.\s*process\b|\bmainModule\b/i, 'node_process'],
  [/\bconstructor\s*\.\s*constructor\b|\[\s*["'`]constructor["'`]\s*\]\s*\(|\$[\w@]{1,3}:(?:\w+:)*(?:constructor|prototype|__proto__|_response)\b/, 'constructor_chain'],
  [/\bfunction\s*\w*\s*\([^)]{0,128}\)\s*\{|\bmodule\s*\.\s*exports\b|\b(?:process|require)\s*\[|\bconsole\s*(?:\[\s*["'`]\w+["'`]\s*\]|\.\s*\w+)\s*(?:\(|\.\s*(?:call|apply)\b)|\bfor\s*\(\s*;\s*;\s*\)/, 'js_code'],
  [/\bdata:text\/(?:plain|javascript)\b/i, 'data_module'],
  [/_\$\$ND_FUNC\$\$_/, 'node_serialize'],
  [/\bwhile\s*\(+[^()]{0,24}\)+\s*(?:;|\{|$)/, 'endless_loop'],
  [/\b(?:spawn|execSync|execFile|spawnSync|fork)\s*\(\s*["'`]/, 'js_spawn'],
  // PHP
  [/<\?(?:php\b|=\s*[$`\w(])/i, 'php_tag'],
  [/\$_(?:GET|POST|REQUEST|COOKIE|SERVER|FILES|ENV)\s*\[|\b(?:phpinfo|phpversion|php_uname|getcwd|get_current_user)\s*\(\s*\)/i, 'php_call'],
  [/\b(?:system|passthru|shell_exec|popen|proc_open|pcntl_exec|assert|create_function|call_user_func|preg_replace|base64_decode|file_get_contents|file_put_contents|fopen|readfile|include|require|include_once|require_once|phpinfo|unserialize|exec)\s*\(\s*(?:["'`]|\$_(?:GET|POST|REQUEST|COOKIE|SERVER)|\))/i, 'php_call'],
  // Ruby / Perl / Python / Java
  [/\b(?:Kernel\s*\.\s*(?:exec|system|spawn|open)|IO\s*\.\s*popen|Process\s*\.\s*spawn|Open3\s*\.\s*\w+|instance_eval|class_eval|%x\s*[({[]|qx\s*[{(/])/, 'ruby_perl_exec'],
  [/\bos\s*\.\s*(?:system|popen|exec\w*|spawn\w*)\s*\(|\bsubprocess\s*\.\s*\w+\s*\(|\b__import__\s*\(/, 'python_exec'],
  [/\bRuntime\s*\.\s*getRuntime\s*\(|\bjava\s*\.\s*lang\s*\.\s*(?:Runtime|ProcessBuilder|System)|\bProcessBuilder\s*\(/, 'java_exec'],
];

/**
 * Server-side code injection (eval-style JS, Node.js internals, PHP/Ruby/Perl/Python/Java exec).
 * @example judgeCodeInjection("require('child_process').exec('id')")?.rule // 'code.node_module'
 * @example judgeCodeInjection('please review the function') // null
 */
export function judgeCodeInjection(s: string): RuleHit | null {
  if (!anyPattern.test(s)) return null;
  for (const [re, rule] of patterns) if (re.test(s)) return hit(rule);
  return null;
}

/** All patterns in one case-insensitive alternation: one scan rejects clean text (a superset of the rules). */
const anyPattern = new RegExp(patterns.map(([re]) => `(?:${re.source})`).join('|'), 'i');
