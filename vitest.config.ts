import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Most end-to-end files wait on real daemons, git and HTTPS far more than they compute (a
    // daemon test file uses about a quarter of one core), so twice as many workers as cores
    // halves the suite's wall time; vitest's default (cores - 1) ran it one file at a time on
    // the 2-core CI machine.
    maxWorkers: Math.max(2, availableParallelism() * 2),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
