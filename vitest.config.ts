import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Load tests burn real CPU: they run alone, on demand (CLUBOS_LOAD_TESTS=1), never beside other suites.
    exclude: process.env.CLUBOS_LOAD_TESTS === '1' ? ['node_modules/**'] : ['node_modules/**', 'test/**/*.load.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // PGlite instances are memory-hungry (~300-700 MB each): keep parallelism modest on 2 cores.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/bench/**', 'src/console/**'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
