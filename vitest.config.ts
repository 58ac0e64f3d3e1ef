import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // process tests run the compiled command (dist/), as users do
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // test files share their worker's module cache: importing the sources and their libraries
    // afresh for every file cost about as much CPU as the quick unit tests themselves (109 such
    // files: 92 s of CPU isolated, 48 s shared). Files leave no process-level state behind
    // (environment variables they set are restored in `finally`; signal handlers belong to the
    // child processes they start), so sharing a worker changes no outcome.
    isolate: false,
    // two test files at a time: vitest's default (one fewer than the cores) runs one at a time on
    // a 2-core machine, while most files spend their time waiting on child processes, servers,
    // Chromium or a solver's worker thread; test files already keep to their own temporary
    // folders, databases and ports. VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS || 2),
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
