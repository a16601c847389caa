import { defineConfig } from 'vitest/config';

// Three suites: pure logic (unit), one service or library against the local stack (integration),
// and the whole pipeline as a user runs it (e2e). Integration files share one real Kafka broker and start
// their own registry, S3 and warehouse on ephemeral ports, so they can run in parallel.
export default defineConfig({
  test: {
    // The JSON report feeds scripts/test-summary.mjs (the "N passed, N failed" line CI reads).
    reporters: ['default', 'json'],
    // Two files at a time: integration files mostly wait on brokers, and the machine has two cores.
    maxWorkers: 2,
    minWorkers: 1,
    outputFile: { json: '.vitest-report.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One real Kafka broker for the whole suite (files isolate themselves by topic and group names).
          globalSetup: ['test/setup/kafka-broker.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          pool: 'forks',
        },
      },
    ],
  },
});
