import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that keeps what a command prints. */
export function captureIO(): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), interactive: false };
}
