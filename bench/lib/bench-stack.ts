import type { RunningStack } from '../../local-stack/stack.ts';
import { startChildStack } from '../../tests/support/child-stack.ts';

export type BenchStackInfo = Omit<RunningStack, 'stop'>;

export interface BenchStack extends BenchStackInfo {
  /** Process id of the Node process that runs the gateway (and the idle auth service). */
  gatewayPid: number;
  stop(): Promise<void>;
}

/**
 * The benchmark's stack, in a process of its own so its CPU is measured apart from the load tool's:
 * production durability (fsync, synchronous commit and full-page writes on, unlike the test stacks),
 * and the every-minute jobs off, so they never run in the middle of the cleanups being timed.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const { info, child, stop } = await startChildStack({ seed: false, ephemeral: false, presenceJobs: false }, (line) => process.stderr.write(`${line}\n`));
  return { ...info, gatewayPid: child.pid!, stop };
}
