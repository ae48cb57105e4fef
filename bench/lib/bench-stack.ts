import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningStack } from '../../local-stack/stack.ts';

export type BenchStackInfo = Omit<RunningStack, 'stop'>;

export interface BenchStack extends BenchStackInfo {
  /** Process id of the Node process that runs the gateway (and the idle auth service). */
  gatewayPid: number;
  stop(): Promise<void>;
}

const STACK_PROCESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stack-process.ts');
const START_TIMEOUT_MS = 120_000;

/** A throwaway local stack (fresh embedded database, free ports) in a child process. */
export async function startBenchStack(): Promise<BenchStack> {
  const child = spawn(process.execPath, ['--import', 'tsx', STACK_PROCESS], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<BenchStackInfo>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('the benchmark stack did not start within two minutes')), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line === undefined || !output.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as BenchStackInfo);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the benchmark stack exited before it was ready (code ${code})`));
    });
  });
  return {
    ...info,
    gatewayPid: child.pid!,
    async stop() {
      child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
