/**
 * Heartbeats through the real HTTP path (gateway, PostgREST, PostgreSQL), one JWT per simulated
 * reader, each writing only its own row: the project's RPC against the seed's literal PATCH.
 */
import type pg from 'pg';
import { signJwt } from '../../local-stack/jwt.ts';
import type { BenchStack } from './bench-stack.ts';
import { cpuSecondsBetween, cpuSecondsNow, type CpuSeconds } from './process-cpu.ts';
import { walPosition, writeCostBetween, type WriteCost } from './database-counters.ts';
import { runLoad, type LoadResult } from './load.ts';

export type HeartbeatPath = 'project' | 'seed';

export interface HeartbeatRound {
  path: HeartbeatPath;
  round: number;
  load: LoadResult;
  cost: WriteCost;
  cpu: CpuSeconds;
}

export interface SimulatedReader {
  id: string;
  token: string;
}

export function simulatedReaders(stack: BenchStack, ids: readonly string[]): SimulatedReader[] {
  const expires = Math.floor(Date.now() / 1000) + 24 * 3600;
  return ids.map((id) => ({ id, token: signJwt({ sub: id, role: 'authenticated', aud: 'authenticated', exp: expires }, stack.jwtSecret) }));
}

function heartbeatRequest(stack: BenchStack, path: HeartbeatPath, reader: SimulatedReader): Promise<Response> {
  const headers = { apikey: stack.anonKey, authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' };
  if (path === 'project') {
    return fetch(`${stack.apiUrl}/rest/v1/rpc/reader_heartbeat`, { method: 'POST', headers, body: '{}' });
  }
  // The seed's updatePresence(): supabase.from('users').update({ is_online, last_seen_at }).eq('id', user.id)
  return fetch(`${stack.apiUrl}/rest/v1/seed_users?id=eq.${reader.id}`, {
    method: 'PATCH',
    headers: { ...headers, prefer: 'return=minimal' },
    body: JSON.stringify({ is_online: true, last_seen_at: new Date().toISOString() }),
  });
}

/**
 * Readers take turns, one turn running on across rounds: each one's heartbeats are as far apart as
 * the rate allows, as on the 60-second interval, and none is absorbed by the 15-second rate limit
 * unless the rate exceeds readers / 15 s (the report shows writes per request).
 */
export function inTurn(readers: readonly SimulatedReader[]): () => SimulatedReader {
  let next = 0;
  return () => readers[next++ % readers.length]!;
}

async function drive(stack: BenchStack, path: HeartbeatPath, nextReader: () => SimulatedReader, concurrency: number, seconds: number) {
  return runLoad({
    concurrency,
    durationMs: seconds * 1000,
    request: async () => {
      const response = await heartbeatRequest(stack, path, nextReader());
      const body = await response.text();
      if (!response.ok) throw new Error(`${path} heartbeat: HTTP ${response.status} ${body.slice(0, 200)}`);
    },
  });
}

export const HEARTBEAT_TABLE: Record<HeartbeatPath, string> = { project: 'public.users', seed: 'public.seed_users' };

export async function heartbeatRound(
  stack: BenchStack,
  db: pg.Client,
  path: HeartbeatPath,
  round: number,
  nextReader: () => SimulatedReader,
  options: { concurrency: number; warmupSeconds: number; seconds: number },
): Promise<HeartbeatRound> {
  await drive(stack, path, nextReader, options.concurrency, options.warmupSeconds);
  const walBefore = await walPosition(db);
  const cpuBefore = cpuSecondsNow(stack.gatewayPid);
  const load = await drive(stack, path, nextReader, options.concurrency, options.seconds);
  const cpu = cpuSecondsBetween(cpuBefore, cpuSecondsNow(stack.gatewayPid));
  const cost = await writeCostBetween(db, walBefore, await walPosition(db));
  return { path, round, load, cost, cpu };
}
