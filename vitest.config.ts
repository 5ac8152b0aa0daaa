import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const alias = {
  '@': fileURLToPath(new URL('.', import.meta.url)),
  'server-only': fileURLToPath(new URL('./test/server-only.ts', import.meta.url)),
};

// Two projects: fast unit tests, and engine tests that run real PostgreSQL
// processes (slower; two files at a time, as most of their time is spent
// waiting on PostgreSQL, and each engine claims its ports in the host's registry).
export default defineConfig({
  resolve: { alias },
  test: {
    // two test files at a time (the default leaves one core idle on a 2-core machine)
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'engine/**/*.test.ts'],
          exclude: ['engine/test/**', 'node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'engine',
          include: ['engine/test/**/*.test.ts'],
          globalSetup: ['engine/test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
