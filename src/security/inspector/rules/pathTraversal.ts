import type { RuleHit } from '../types.js';

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'path_traversal', rule: `path.${rule}`, score });

/** Files an attacker reads to prove a traversal (Unix, Windows, IIS, Java web apps, containers, process info). */
const sensitiveFile =
  /(?:^|[\\/])(?:etc[\\/](?:passwd|shadow|group|hosts|issue|master\.passwd|security[\\/]\w+)|proc[\\/](?:self|\d+)[\\/]\w+|sys[\\/](?:class|kernel|devices|power)\b|boot\.ini|win\.ini|system\.ini|windows[\\/](?:win\.ini|repair)|winnt[\\/]|inetpub[\\/]|global\.asa|web-inf[\\/]|\.ssh[\\/]|\.bash_history|\.git[\\/]|\.docker[\\/]|\.aws[\\/]|\.kube[\\/]|wp-config\.php|repair[\\/](?:sam|system))|(?:^|[\\/\s])\.(?:htaccess|htpasswd|env)\b/i;

/** A `..` (or longer) segment: preceded by a boundary, followed by a separator, NUL or the end. */
const step = /(?<=^|[\\/=\s'"(:;|%]|\0)(?:\.{2,}(?=[\\/]|;[\\/]|\0|%)|\.\.$)/g;

/** `/./././`: current-directory runs used to smuggle traversal past filters. */
const dotRun = /(?:\.[\\/]+){3,}/;
/** `./\/./`: two suffice when the separators mix `/` and `\`, which no ordinary path or sentence does. */
const mixedDotRun = /\.(?:\/+\\|\\+\/)[\\/]*\.[\\/]/;

/**
 * Unicode look-alike separators and dots that some file APIs fold (`%u2215`, `%uff0e`), and the two private-use
 * code points Windows best-fit mappings turn into separators (`%uEFC8` → `/`, `%uF025` → `\`, in traversal lists).
 */
const lookalikes = /[\u2215\u2044\u2216\uff0f\uff3c\uff0e\u2024\uefc8\uf025]/g;
const fold: Readonly<Record<string, string>> = {
  '\u2215': '/',
  '\u2044': '/',
  '\uff0f': '/',
  '\uefc8': '/',
  '\u2216': '\\',
  '\uff3c': '\\',
  '\uf025': '\\',
  '\uff0e': '.',
  '\u2024': '.',
};

/**
 * Path traversal: a `../` (or `..\`) step at a path boundary, current-directory runs, or a
 * sensitive system file named outright. Judged on decoded copies, so `%2e%2e%2f`, `%c0%af`,
 * `0x2e0x2e0x2f` and look-alike slashes count.
 * @example judgePathTraversal('../../../etc/passwd')?.rule // 'path.traversal'
 * @example judgePathTraversal('tried 3 times... still locked') // null
 */
export function judgePathTraversal(s: string): RuleHit | null {
  // `0x2f`, `0X2F`: hex-literal separators, in either case.
  let normal = s.indexOf('0x') >= 0 || s.indexOf('0X') >= 0 ? s.replace(/0x(?:2f|5c|2e)/gi, (m) => (m.toLowerCase() === '0x2e' ? '.' : '/')) : s;
  normal = normal.replace(lookalikes, (ch) => fold[ch] ?? ch);
  if (normal.indexOf('..') >= 0) {
    step.lastIndex = 0;
    let steps = 0;
    let continues = false;
    for (let m = step.exec(normal); m !== null; m = step.exec(normal)) {
      steps++;
      // NULs after a step are what truncating file APIs drop (`..%00/`): read past them.
      const after = normal.slice(m.index + m[0].length, m.index + m[0].length + 8).replace(/^\0+/, '');
      // One step counts when a path goes on after it (`..\\pineapple`), not a bare `href="../"`.
      if (/^[\\/;]+[\w{%.$~-]/.test(after.slice(0, 4))) continues = true;
      // `/../` (a step inside a path), unlike `href="../"`.
      if (m.index > 0 && /[\\/]/.test(normal[m.index - 1]!) && /^[\\/]/.test(after)) continues = true;
    }
    if (steps >= 2 || continues) return hit('traversal');
  }
  if (sensitiveFile.test(normal)) return hit('sensitive_file');
  if (dotRun.test(normal) || (normal.indexOf('\\') >= 0 && mixedDotRun.test(normal))) return hit('dot_run');
  return null;
}
