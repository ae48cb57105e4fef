/**
 * A local stack in a process of its own, for the benchmark and the hostile-mix soak: the CPU it uses
 * (the gateway's Node process, PostgREST, PostgreSQL) is measured apart from the load tool's, and a
 * crash shows as this process ending while its PIDs are watched from outside.
 *
 * Always a fresh embedded cluster (never DATABASE_URL's server), deleted on stop. argv[2] is a JSON
 * object of test-stack configuration overrides (e.g. `{"seed":false,"ephemeral":false}` for
 * production durability). Prints one JSON line when ready (the running stack and its data folder,
 * which a parent removes if this process dies), logs to stderr, and stops everything when its
 * parent closes stdin or sends SIGTERM.
 */
import fs from 'node:fs';
import type { StackConfig } from '../../local-stack/config.ts';
import { startStack } from '../../local-stack/stack.ts';
import { testStackConfig } from './test-stack.ts';

const overrides = JSON.parse(process.argv[2] ?? '{}') as Partial<StackConfig>;
const config = await testStackConfig({ ...overrides, databaseUrl: undefined });
const stack = await startStack(config, (line) => process.stderr.write(`${line}\n`));
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
process.stdout.write(`${JSON.stringify({ ...info, dataDir: config.dataDir })}\n`);
