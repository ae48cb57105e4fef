import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackConfig } from '../../local-stack/config.ts';
import type { RunningStack } from '../../local-stack/stack.ts';

export type ChildStackInfo = Omit<RunningStack, 'stop'> & { dataDir: string };

export interface ChildStack {
  info: ChildStackInfo;
  /** The Node process that runs the gateway and auth, and started PostgREST and PostgreSQL. */
  child: ChildProcess;
  exited: Promise<void>;
  /** Stops everything it started and deletes its database; safe to call twice, and to pass on unbound. */
  stop: () => Promise<void>;
}

const STACK_PROCESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stack-process.ts');
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

/** A throwaway local stack (fresh embedded database, free ports) in a child process (stack-process.ts). */
export async function startChildStack(overrides: Partial<StackConfig>, onLogLine: (line: string) => void): Promise<ChildStack> {
  const child = spawn(process.execPath, ['--import', 'tsx', STACK_PROCESS, JSON.stringify(overrides)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(onLogLine);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  };
  try {
    const info = await new Promise<ChildStackInfo>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error('the stack did not start within two minutes')), START_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line === undefined || !output.includes('\n')) return;
        clearTimeout(timer);
        resolve(JSON.parse(line) as ChildStackInfo);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the stack exited before it was ready (code ${code})`));
      });
    });
    return { info, child, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
