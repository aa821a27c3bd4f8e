import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AnswerPlan, type DecisionView, plan } from '../simulate/operator.js';
import { type StreamLine, gapMs, parseLine } from '../simulate/stream.js';
import { type CliCommand, UsageError, parseArgs, report } from './io.js';

/**
 * `clubos simulate URL --stream FILE [--speed N|max] [--operator auto|none] [--limit N] [--json]`
 *
 * The live demo: feeds a venue stream through the HTTP API of a running ClubOS with an API key
 * (`CLUBOS_API_KEY`, scope events:write) at `speed`× the stream's own pace, and with `--operator auto`
 * plays the operator from the stream's labels through a real operator session (`CLUBOS_OPERATOR_USERNAME`,
 * `CLUBOS_OPERATOR_PASSWORD`), so a person can watch ClubOS learn in the console. Credentials come from the
 * environment, never the command line (process lists are world-readable).
 */

export interface SimulationReport {
  readonly sent: number;
  readonly accepted: number;
  readonly refused: number;
  readonly decided: number;
  /** Decided by the system with nothing for the operator to do (it ran, or will run, and was right). */
  readonly handled_by_system: number;
  readonly answers: Readonly<Record<string, number>>;
  readonly answer_refusals: number;
  readonly undecided: number;
  readonly invalid_lines: number;
  readonly seconds: number;
}

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

const MAX_GAP_MS = 5_000;

/** The problem type and detail of a refusal (RFC 9457), for the operator running the demo. */
async function problemOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => ({}))) as { type?: string; detail?: string };
  return [body.type, body.detail].filter((x) => x !== undefined).join(': ');
}

async function login(base: string, username: string, password: string): Promise<Session> {
  const res = await fetch(new URL('/v1/auth/login', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`operator login refused (${res.status})`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  return { cookie, csrf: body.csrfToken };
}

/**
 * A well-behaved client: a 429 or 503 is "come back later", so it waits the server's Retry-After (at most a
 * minute) and tries again, a few times, instead of hammering on until the server bans it.
 */
async function politely(send: () => Promise<Response>, attempts = 5): Promise<Response> {
  for (let i = 1; ; i++) {
    const res = await send();
    if ((res.status !== 429 && res.status !== 503) || i >= attempts) return res;
    const after = Number(res.headers.get('retry-after') ?? '1');
    await res.arrayBuffer();
    await sleep(Math.min(60, Number.isFinite(after) && after > 0 ? after : 1) * 1000);
  }
}

/** Waits until the event is decided (the decision runs after the 202), or gives up after `timeoutMs`. */
async function decisionOf(base: string, id: string, headers: Record<string, string>, timeoutMs: number): Promise<DecisionView | null> {
  const until = Date.now() + timeoutMs;
  for (let wait = 20; Date.now() < until; wait = Math.min(500, wait * 2)) {
    const res = await fetch(new URL(`/v1/events/${id}`, base), { headers });
    if (res.status === 200) {
      const body = (await res.json()) as { status: string; decision: DecisionView | null };
      if (body.status === 'decided' && body.decision !== null) return body.decision;
      if (body.status === 'failed') return null;
    }
    await sleep(wait);
  }
  return null;
}

export const simulate: CliCommand = async (args, io) => {
  try {
    const { positionals, flags, options } = parseArgs(args, { flags: ['json'], options: ['stream', 'speed', 'operator', 'limit'] });
    const base = positionals[0];
    const streamPath = options.get('stream');
    if (base === undefined || positionals.length > 1 || streamPath === undefined) {
      throw new UsageError('usage: clubos simulate URL --stream FILE [--speed N|max] [--operator auto|none] [--limit N] [--json]');
    }
    if (!/^https?:\/\/[^\s]+$/.test(base)) throw new UsageError('URL must be http(s)://host:port');
    const speedRaw = options.get('speed') ?? '60';
    const speed = speedRaw === 'max' ? Number.POSITIVE_INFINITY : Number(speedRaw);
    if (!(speed > 0)) throw new UsageError('--speed must be a positive number or max');
    const operatorMode = options.get('operator') ?? 'none';
    if (operatorMode !== 'auto' && operatorMode !== 'none') throw new UsageError('--operator must be auto or none');
    const limit = Number(options.get('limit') ?? Number.POSITIVE_INFINITY);
    if (!(limit > 0)) throw new UsageError('--limit must be a positive integer');
    const key = process.env.CLUBOS_API_KEY;
    if (key === undefined || key === '') throw new UsageError('set CLUBOS_API_KEY to an API key with the events:write scope');
    const username = process.env.CLUBOS_OPERATOR_USERNAME;
    const password = process.env.CLUBOS_OPERATOR_PASSWORD;
    if (operatorMode === 'auto' && (!username || !password)) throw new UsageError('--operator auto needs CLUBOS_OPERATOR_USERNAME and CLUBOS_OPERATOR_PASSWORD');

    const lines: StreamLine[] = [];
    let invalid = 0;
    for (const [i, raw] of (await readFile(streamPath, 'utf8')).split('\n').entries()) {
      if (raw.trim() === '' || lines.length >= limit) continue;
      const parsed = parseLine(raw, i + 1);
      if (parsed.ok) lines.push(parsed.line);
      else {
        invalid++;
        io.err(`line ${parsed.lineNo}: ${parsed.error} (skipped)`);
      }
    }

    const session = operatorMode === 'auto' ? await login(base, username!, password!) : null;
    const started = performance.now();
    const answers: Record<string, number> = {};
    let accepted = 0;
    let refused = 0;
    let decided = 0;
    let handled = 0;
    let refusals = 0;
    let undecided = 0;
    let prevAt: number | null = null;
    for (const [i, line] of lines.entries()) {
      if (prevAt !== null) await sleep(gapMs(prevAt, line.at, speed, MAX_GAP_MS));
      prevAt = line.at;
      const res = await politely(() =>
        fetch(new URL('/v1/events', base), {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `simulate-${line.id}` },
          body: JSON.stringify(line.body),
        }),
      );
      if (res.status !== 202 && res.status !== 200) {
        refused++;
        io.err(`${line.id}: refused (${res.status} ${await problemOf(res)})`);
        continue;
      }
      accepted++;
      const { id } = (await res.json()) as { id: string };
      if (io.interactive && i % 25 === 0) io.err(`simulate: ${i + 1}/${lines.length}`);
      if (session === null || line.label === null) continue;
      const view = await decisionOf(base, id, { cookie: session.cookie }, 10_000);
      if (view === null) {
        undecided++;
        continue;
      }
      decided++;
      const next: AnswerPlan = plan(view, line.label);
      if (next.kind === 'none') {
        handled++;
        continue;
      }
      const answer = await politely(() =>
        fetch(new URL(`/v1/events/${id}/decision`, base), {
          method: 'POST',
          headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
          body: JSON.stringify(next.answer),
        }),
      );
      if (answer.status >= 200 && answer.status < 300) answers[next.answer.kind] = (answers[next.answer.kind] ?? 0) + 1;
      else {
        refusals++;
        io.err(`${line.id}: answer ${next.answer.kind} refused (${answer.status} ${await problemOf(answer)})`);
      }
    }
    const result: SimulationReport = {
      sent: lines.length,
      accepted,
      refused,
      decided,
      handled_by_system: handled,
      answers,
      answer_refusals: refusals,
      undecided,
      invalid_lines: invalid,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    const human = [
      `simulate ${streamPath} → ${base} (${lines.length} events, speed ${speedRaw}, operator ${operatorMode})`,
      `  accepted ${accepted}, refused ${refused}, invalid lines ${invalid}`,
      ...(session === null
        ? []
        : [`  decided ${decided} (system handled ${handled}), operator answers ${JSON.stringify(answers)}, refused answers ${refusals}, undecided ${undecided}`]),
      `  took ${result.seconds} s`,
    ];
    report(io, flags.has('json'), human, result);
    return refused > 0 || refusals > 0 || undecided > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(`simulate failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};
