import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// A valid configuration for modules that read it; nothing listens there, so an accidental network
// call fails at once instead of reaching a developer's stack.
const UNIT_ENV = {
  VITE_SUPABASE_URL: 'http://127.0.0.1:9',
  VITE_SUPABASE_ANON_KEY: 'unit-test-anon-key',
  VITE_ENABLE_PRESENCE: 'true',
  VITE_READERS_REFRESH_INTERVAL_MS: '120000',
  VITE_PRESENCE_UPDATE_INTERVAL_MS: '60000',
};

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            // Rules, services and API wrappers: no page, so no jsdom to set up for each file.
            environment: 'node',
            include: ['src/**/*.test.ts'],
            env: UNIT_ENV,
          },
        },
        {
          extends: true,
          test: {
            name: 'unit-dom',
            // Components and hooks, rendered into jsdom.
            environment: 'jsdom',
            include: ['src/**/*.test.tsx'],
            setupFiles: ['./src/testing/setup.ts'],
            env: UNIT_ENV,
          },
        },
        {
          extends: true,
          test: {
            name: 'stack',
            environment: 'node',
            include: ['local-stack/**/*.test.ts', 'bench/**/*.test.ts'],
          },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            environment: 'node',
            include: ['tests/integration/**/*.test.ts'],
            // Each file starts real servers; two cores are better spent one file at a time.
            fileParallelism: false,
            testTimeout: 30_000,
            hookTimeout: 120_000,
          },
        },
        {
          extends: true,
          test: {
            // The hostile-mix soak (npm run test:soak): a minute of load, not part of npm test.
            name: 'soak',
            environment: 'node',
            include: ['tests/soak/**/*.test.ts'],
          },
        },
        {
          extends: true,
          test: {
            // Needs PostgreSQL 15 with pg_cron: run through scripts/with-pg15-cron.sh (npm run test:pg-cron).
            name: 'pg-cron',
            environment: 'node',
            include: ['tests/pg-cron/**/*.test.ts'],
            testTimeout: 30_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  }),
);
