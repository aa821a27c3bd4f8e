import type { RuleHit } from '../types.js';

const hit = (rule: string, score = 5): RuleHit => ({ kind: 'path_traversal', rule: `path.${rule}`, score });

/** Files an attacker reads to prove a traversal (Unix, Windows, Java web apps, process info). */
const sensitiveFile =
  /(?:^|[\\/])(?:etc[\\/](?:passwd|shadow|group|hosts|issue|master\.passwd|security[\\/]\w+)|proc[\\/](?:self|\d+)[\\/]\w+|boot\.ini|win\.ini|system\.ini|windows[\\/](?:system32|win\.ini|repair)|winnt[\\/]|web-inf[\\/]|\.htaccess|\.htpasswd|\.ssh[\\/]|\.bash_history|\.git[\\/]|\.env\b|wp-config\.php|repair[\\/](?:sam|system))/i;

/** `..` followed by a separator, including `0x2f`/`0x5c` and `;` tricks seen in the wild. */
const step = /(?:^|[\\/=\s'"(:;]|%00)\.{2,}(?:[\\/]|0x(?:2f|5c)|;[\\/]|$)/gi;

/**
 * Path traversal: two or more `../` steps, one step towards a sensitive file, or a sensitive
 * system file named outright. Judged on decoded copies, so `%2e%2e%2f` and `%c0%af` count.
 * @example judgePathTraversal('../../../etc/passwd')?.rule // 'path.traversal'
 * @example judgePathTraversal('tried 3 times... still locked') // null
 */
export function judgePathTraversal(s: string): RuleHit | null {
  const normal = s.indexOf('0x') >= 0 ? s.replace(/0x(?:2f|5c)/gi, '/') : s;
  let steps = 0;
  if (normal.indexOf('..') >= 0) {
    step.lastIndex = 0;
    while (step.exec(normal) !== null) steps++;
  }
  if (steps >= 2) return hit('traversal');
  if (sensitiveFile.test(normal)) return hit(steps >= 1 ? 'traversal' : 'sensitive_file');
  if (steps === 1) return hit('single_step', 3);
  return null;
}
