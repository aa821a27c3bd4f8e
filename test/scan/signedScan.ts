import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scan } from '../../src/cli/scan.js';
import { captureIO } from './io.js';

/** The parts of `clubos scan --json` the signed-webhook suites read. */
export interface SignedScanReport {
  ok: boolean;
  failures: string[];
  routes: { unauthenticated_open: number; open: { method: string; path: string; probe: string; status: number }[]; attack_targets: string[]; flag_only: string[] };
  flag_routes: { attack: { n: number; rate: number }; benign: { n: number; rate: number } };
  signed_webhooks: {
    route: string;
    scheme: string | null;
    status: string;
    secret: string;
    signature_checks: Record<string, number>;
    deliveries: { attack: { n: number; detected: number; rate: number }; benign: { n: number; flagged: number } };
  }[];
  unused_signing_secrets: string[];
  skipped: Record<string, number>;
  errors_5xx: unknown[];
  leaks: unknown[];
}

/** Runs `clubos scan` with `--json` among `args`: its exit code, what it printed, and the report (its last line). */
export async function runScan(args: string[]) {
  const io = captureIO();
  const code = await scan(args, io);
  return { code, io, report: JSON.parse(io.lines.at(-1)!) as SignedScanReport };
}

/** Stand-in servers for a suite: `listen` starts one on a free loopback port, `closeAll` (afterAll) stops them all. */
export function standInServers() {
  const servers: Server[] = [];
  return {
    async listen(server: Server): Promise<string> {
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async closeAll(): Promise<void> {
      for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    },
  };
}

/** Runs `fn` with one environment variable set, and removes it afterwards whatever happens. */
export async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    delete process.env[name];
  }
}
