import type { RuleHit } from '../types.js';
import { commandPrefixes, commonCommands, distinctiveCommands, everydayToolNames, netSubcommands, regSubcommands } from './shellWords.js';

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'command_injection', rule: `cmd.${rule}`, score });

const strongPatterns: readonly [RegExp, string][] = [
  [/\$\{?IFS\}?|\$\{[^}]{0,64}:-?[^}]{0,64}\}\s*\w|\$@|\$\{PATH:0:1\}/, 'shell_expansion'],
  [/\(\s*\)\s*\{\s*:?\s*;\s*\}/, 'shellshock'],
  [/<<<|\$\{\w+[#%][^}]{0,64}\}|\$\{[A-Z_][A-Z0-9_]*(?:[#%:/][^}]{0,64})?\}|\$\(\(|[<>]\(\s*\w+/, 'shell_expansion'],
  [/\bfor\s+(?:\/[a-z]\s+)*(?:"[^"]{0,64}"\s+|[a-z]:\\\S{0,64}\s+){0,4}%%?\S+\s+in\s*\(/i, 'batch_loop'],
  [/\{[^{}\s"':]*,[^{}\s"':]*\}/, 'brace_expansion'],
  [/<!--\s*#\s*(?:exec|include|echo|config|set|printenv)\b/i, 'server_side_include'],
  [/\bif(?:\s*\/i)?\s+(?:not\s+)?(?:"[^"]{0,64}"|\([^)]{0,64}\)|\[[^\]]{0,64}\]|\{[^}]{0,64}\}|[^\s=]{1,64})\s*(?:==|\s(?:equ|neq|lss|leq|gtr|geq)\s)|\bif\s*\(\s*\S+\s+(?:equ|neq|lss|leq|gtr|geq)\b|\bif\s*(?:\/i\s*)?(?:"[^"]{0,64}"|\([^)]{0,64}\)|\[[^\]]{0,64}\]|\{[^}]{0,64}\})\s*==/i, 'batch_condition'],
  [/\balias\s+(?:[-+][\w+]+\s+)*['"]?[\w.+-]+['"]?=/, 'shell_alias'],
  [/(?:^|[\s;|&])\/(?:[\w.-]*\[[^\]\s]+\][\w.-]*|(?:etc|bin|usr|sbin|proc|dev|tmp|var|opt|root|home)\/[\w./-]*\[[^\]\s]+\])/, 'glob_path'],
  [/(?:^|[\s;|&])(?:\/usr)?\/?s?bin\/[a-z]\w*/, 'binary_path'],
  [/(?:;|\|\||&&|\||`|\$\()\s*['"]?[a-z][\w.-]*['"]?\s+(?:-{1,2}[a-z][\w-]*|<<<)/i, 'flagged_command'],
  [/\$\{?(?:SHELL|BASH|COMSPEC)\}?\s|\$\{[^}]{0,64}\}?\{?jndi:|\bjndi:(?:ldap|rmi|dns|iiop|corba|nds|http)s?:/, 'shell_invocation'],
  [/\/dev\/(?:tcp|udp)\/|\/bin\/(?:ba|z|k|c|da)?sh\b|\b(?:ba|z|k)?sh\s+-[ci]\b|\bcmd(?:\.exe)?\s+\/[ck]\b/i, 'shell_invocation'],
  [/\b(?:invoke-(?:expression|webrequest|command|restmethod)|iex\s*\(|new-object\s+(?:system\.)?net\.webclient|-enc(?:odedcommand)?\s+[a-z0-9+/=]{8,}|start-process|downloadstring)\b/i, 'powershell'],
  [/%(?:systemroot|windir|comspec|programfiles|userprofile|temp|appdata)%/i, 'windows_env'],
  [/\bif\s+(?:\/i\s+)?(?:not\s+)?(?:errorlevel|exist|defined|cmdextversion)\b/i, 'batch_condition'],
  [/(?:\/[\w.-]*[?*][\w.?*-]*){2,}/, 'glob_path'],
  [/[<>]\s*\/(?:tmp|var|dev|etc|proc)\//, 'redirect'],
];

/** The strong patterns in one case-insensitive alternation: one scan rejects clean text. */
const anyStrongPattern = new RegExp(strongPatterns.map(([re]) => `(?:${re.source})`).join('|'), 'i');

/**
 * Command injection: a shell command in command position (start of the value, or after `;`, `|`,
 * `&`, a newline, `$(` or a backtick) whose arguments look like shell, plus unmistakable shell
 * constructs. Prose such as "bays 2 & 3" or "tried 3 times; still locked" stays clean.
 * @example judgeCommandInjection('; cat /etc/passwd')?.rule // 'cmd.command_after_separator'
 * @example judgeCommandInjection("I'll drop the key & head out") // null
 */
export function judgeCommandInjection(s: string): RuleHit | null {
  // Escaped newlines (`\\n` as two characters) reach shells through echo -e, printf and log replays.
  const text = s.indexOf('\\') >= 0 ? s.replace(/\\[nr]/g, '\n') : s;
  if (anyStrongPattern.test(text)) for (const [re, rule] of strongPatterns) if (re.test(text)) return hit(rule);
  return scanCommandPositions(text);
}

const separators = new Set([';', '|', '&', '\n', '\r', '`']);

function scanCommandPositions(s: string): RuleHit | null {
  let i = 0;
  let atStart = true;
  let substitution = false;
  while (i < s.length) {
    // Skip to a command position; a leading newline already makes it a new command line.
    while (i < s.length && (s[i]! <= ' ' || s[i] === "'" || s[i] === '"' || s[i] === ')' || s[i] === '(')) {
      if (s[i] === '\n' || s[i] === '\r') atStart = false;
      i++;
    }
    const found = judgeCommandAt(s, i, atStart, substitution);
    if (found !== null) return found;
    atStart = false;
    const next = nextSeparator(s, i);
    if (next < 0) return null;
    substitution = s[next - 1] === '`' || (s[next - 1] === '(' && s[next - 2] === '$');
    i = next;
  }
  return null;
}

function nextSeparator(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '$' && s[i + 1] === '(') return i + 2;
    // Brace expansion `{cat,/etc/passwd}` runs its first word.
    if (ch === '{' && /^\{[\w./-]+,/.test(s.slice(i, i + 40))) return i + 1;
    if (separators.has(ch)) {
      let j = i + 1;
      while (j < s.length && (s[j] === ch || s[j] === '&' || s[j] === '|' || s[j] === ';')) j++;
      return j;
    }
  }
  return -1;
}

/** A shell word with its quoting and escapes removed (`w'h'o'am'i`, `c\at` → `whoami`, `cat`). */
function readShellWord(s: string, from: number): { word: string; end: number } {
  let j = from;
  let word = '';
  while (j < s.length) {
    const ch = s[j]!;
    if (ch <= ' ' || ch === ';' || ch === '|' || ch === '&' || ch === '`' || ch === ')' || ch === '(' || ch === '<' || ch === '>' || ch === ',' || ch === '}') break;
    if (ch !== "'" && ch !== '"' && ch !== '\\') word += ch;
    j++;
  }
  return { word, end: j };
}

/** Common commands an injection runs with no argument to prove execution (`;id`, `|env`). */
const bareProbes = new Set(['id', 'env', 'ps', 'w', 'who', 'set', 'dir', 'ls', 'pwd']);

const argumentShape = /^(?:-{1,2}[a-z]|[/\\.~$%*{<>'"]|[a-z]:\\|\w+\/\w|[a-z]+:\/\/)/i;

function judgeCommandAt(s: string, from: number, atStart: boolean, substitution: boolean): RuleHit | null {
  const first = readShellWord(s, from);
  let { word, end } = first;
  // `$u wget`: an (empty) variable expansion before the command changes nothing.
  if (/^\$\w+$/.test(word)) {
    let j = end;
    while (s[j] === ' ' || s[j] === '\t') j++;
    ({ word, end } = readShellWord(s, j));
  }
  if (word.length === 0) return null;
  // Empty expansions inside a word (`whoami$()`, `sh$XX`) and version suffixes (`python3.10`) do not change the command.
  const name = word
    .replace(/^.*[/\\]/, '')
    .replace(/\$(?:\(\)|\{\w*\}|[A-Za-z_]\w*|@|\d)?/g, '')
    .replace(/\.exe$/i, '')
    .replace(/(?<=[a-z])\d+(?:\.\d+)*$/i, '')
    .toLowerCase();
  const distinctive = distinctiveCommands.has(name) || commandPrefixes.test(name);
  const common = commonCommands.has(name);
  if (!distinctive && !common) return null;
  const pathQualified = word.includes('/') || word.includes('\\');
  let j = end;
  while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
  const rest = s.slice(j, j + 40);
  const restWord = readShellWord(s, j).word.toLowerCase();
  const ended = rest.length === 0 || /^[;|&`)\n]/.test(rest);
  const shellArg =
    argumentShape.test(rest) ||
    distinctiveCommands.has(restWord) ||
    (name === 'net' && netSubcommands.has(restWord)) ||
    (name === 'reg' && regSubcommands.has(restWord)) ||
    (distinctive && !everydayToolNames.has(name) && /^[a-z]/i.test(rest));
  // `;base64,` inside a data URL is punctuation, not a command with arguments.
  const glued = /^[,:=.]/.test(s.slice(end, end + 1));
  if ((distinctive || pathQualified) && !glued) {
    if (!atStart || shellArg || (ended && rest.length > 0) || pathQualified) return hit(atStart ? 'command_line' : 'command_after_separator');
    if (ended && s.trim() !== word) return hit('command_line');
    return null;
  }
  // `sleep 10` as a whole value (or a whole command line): a timing probe.
  // Common words need an argument only a shell would take (a flag, a path, a variable, a redirect).
  const commonArg =
    /^(?:-{1,2}[a-z]|[/\\~$%*<>]|[a-z]:\\|[a-z]+:\/\/)/i.test(rest) ||
    distinctiveCommands.has(restWord) ||
    (name === 'net' && netSubcommands.has(restWord)) ||
    (name === 'reg' && regSubcommands.has(restWord));
  const numericArg =
    (/^\d+\s*(?:$|;|\|\||&&|`|\n)/.test(rest) && (name === 'sleep' || name === 'timeout' || name === 'ping')) ||
    (name === 'ping' && /^\d{1,3}(?:\.\d{1,3}){3}\b/.test(rest));
  // Inside `$(...)` or backticks a command word is what runs.
  if (commonArg || numericArg || substitution || (!atStart && ended && bareProbes.has(name))) return hit(atStart ? 'command_line' : 'command_after_separator');
  return null;
}
