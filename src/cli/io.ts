/** What a `clubos` command gets: its arguments and where to write. Commands return an exit code. */
export interface CliIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** True when stderr is a terminal: long commands show progress only then. */
  readonly interactive: boolean;
}

export type CliCommand = (args: readonly string[], io: CliIO) => Promise<number>;

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** The DESIGN.md contract: human lines first, then exactly one JSON object as the last stdout line with --json. */
export function report(io: CliIO, json: boolean, human: readonly string[], result: unknown): void {
  if (json) io.out(JSON.stringify(result));
  else for (const line of human) io.out(line);
}

/** Minimal flag parsing shared by the commands: `--name value` or `--name=value`, `--flag`, positionals. */
export function parseArgs(
  args: readonly string[],
  spec: { readonly flags?: readonly string[]; readonly options?: readonly string[] },
): { positionals: string[]; flags: Set<string>; options: Map<string, string> } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      // Split at the first `=` only: a value may hold more (base64 padding, a secret, a query string).
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const inline = eq === -1 ? undefined : a.slice(eq + 1);
      if (spec.flags?.includes(name)) flags.add(name);
      else if (spec.options?.includes(name)) {
        const value = inline ?? args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
      } else throw new UsageError(`unknown option --${name}`);
    } else positionals.push(a);
  }
  return { positionals, flags, options };
}

export class UsageError extends Error {}
