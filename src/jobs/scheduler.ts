import type { Logger } from '../logging.js';

/**
 * Periodic work (rotations, grace ends, reminders, notification delivery, usage flushes, audit checkpoints).
 * The durable state is in the rows each task claims, so a task may run on every instance: claims make each unit
 * of work happen once. A task never overlaps itself; a failure is logged and retried on the next tick.
 */
export interface PeriodicTask {
  readonly name: string;
  readonly everyMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  start(): void;
  /** Stops ticking and waits for running tasks to finish. */
  stop(): Promise<void>;
  /** Runs every task once now (tests and `--once` style use). */
  runAll(): Promise<void>;
}

export function createScheduler(tasks: readonly PeriodicTask[], logger: Logger): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const runTask = (task: PeriodicTask): Promise<void> => {
    const busy = running.get(task.name);
    if (busy) return busy;
    const p = task
      .run()
      .then(
        (result) => {
          if (result !== 0 && result !== undefined) logger.debug({ task: task.name, result }, 'task ran');
        },
        (err: unknown) => logger.error({ task: task.name, err }, 'task failed'),
      )
      .finally(() => running.delete(task.name));
    running.set(task.name, p);
    return p;
  };

  return {
    start() {
      for (const task of tasks) {
        const t = setInterval(() => {
          if (!stopped) void runTask(task);
        }, task.everyMs);
        t.unref();
        timers.push(t);
      }
    },
    async stop() {
      stopped = true;
      for (const t of timers.splice(0)) clearInterval(t);
      await Promise.all(running.values());
    },
    async runAll() {
      for (const task of tasks) await runTask(task);
    },
  };
}
