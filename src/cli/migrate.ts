import { parseConfig } from '../config/config.js';
import { openDatabase } from '../store/database.js';
import { migrateDown, migrateUp, migrationStatus } from '../store/migrate.js';
import { type CliCommand, UsageError, parseArgs, report } from './io.js';

/** `clubos migrate up|down [--steps N]|status [--json]` */
export const migrate: CliCommand = async (args, io) => {
  const { positionals, flags, options } = parseArgs(args, { flags: ['json'], options: ['steps'] });
  const verb = positionals[0];
  if (verb !== 'up' && verb !== 'down' && verb !== 'status') throw new UsageError('usage: clubos migrate up|down|status [--steps N] [--json]');
  const config = parseConfig(process.env);
  const database = await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dir: config.dataDir });
  try {
    const json = flags.has('json');
    if (verb === 'up') {
      const applied = await migrateUp(database);
      report(io, json, [applied.length ? `applied ${applied.join(', ')}` : 'nothing to apply'], { applied });
    } else if (verb === 'down') {
      const steps = Number(options.get('steps') ?? '1');
      if (!Number.isInteger(steps) || steps < 1) throw new UsageError('--steps must be a positive integer');
      const reverted = await migrateDown(database, steps);
      report(io, json, [reverted.length ? `reverted ${reverted.join(', ')}` : 'nothing to revert'], { reverted });
    } else {
      const status = await migrationStatus(database);
      report(
        io,
        json,
        status.map((s) => `${String(s.version).padStart(4, '0')} ${s.name.padEnd(32)} ${s.state}`),
        { migrations: status, current: status.every((s) => s.state === 'applied') },
      );
      if (status.some((s) => s.state === 'modified')) return 1;
    }
    return 0;
  } finally {
    await database.close();
  }
};
