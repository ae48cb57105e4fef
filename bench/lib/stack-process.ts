/**
 * The benchmark's stack in a process of its own, so the CPU it uses (the gateway's Node process,
 * PostgREST, PostgreSQL) is measured apart from the load tool's. Prints one JSON line when ready
 * and stops everything, deleting the database, when its parent closes stdin or sends SIGTERM.
 */
import fs from 'node:fs';
import { startStack } from '../../local-stack/stack.ts';
import { testStackConfig } from '../../tests/support/test-stack.ts';

// Always a fresh embedded cluster (never DATABASE_URL's server), with production durability:
// fsync, synchronous commit and full-page writes on, unlike the test stacks, which turn them off.
// The every-minute jobs stay off, so they never run in the middle of the cleanups being timed.
const config = await testStackConfig({ seed: false, ephemeral: false, databaseUrl: undefined, presenceJobs: false });
const stack = await startStack(config);
let stopping: Promise<void> | undefined;
function stop() {
  stopping ??= stack
    .stop()
    .finally(() => fs.rmSync(config.dataDir, { recursive: true, force: true }))
    .finally(() => process.exit(0));
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop).resume();

const { stop: _, ...info } = stack;
process.stdout.write(`${JSON.stringify(info)}\n`);
