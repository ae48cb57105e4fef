/**
 * Heartbeats through the real HTTP path (gateway, PostgREST, PostgreSQL), one JWT per simulated
 * reader's device (its auth session in the session_id claim), each writing only its own row: the
 * project's RPC (the device's row in private.reader_devices) against the seed's literal PATCH of
 * the reader's row.
 */
import type pg from 'pg';
import { signJwt } from '../../local-stack/jwt.ts';
import type { BenchStack } from './bench-stack.ts';
import { cpuSecondsBetween, cpuSecondsNow, type CpuSeconds } from './process-cpu.ts';
import { autoExplained } from '../../tests/support/auto-explain.ts';
import { walPosition, writeCostBetween, type WriteCost } from './database-counters.ts';
import type { SimulatedDevice } from './dataset.ts';
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
  sessionId: string;
  token: string;
}

/** The claims the heartbeat path reads: who (sub), as what (role) and which device (session_id). */
export function readerClaims(device: SimulatedDevice, expires: number) {
  return { sub: device.readerId, role: 'authenticated', aud: 'authenticated', exp: expires, session_id: device.sessionId };
}

/** One simulated reader per device, signed in on it; both paths send the same token. */
export function simulatedReaders(stack: Pick<BenchStack, 'jwtSecret'>, devices: readonly SimulatedDevice[]): SimulatedReader[] {
  const expires = Math.floor(Date.now() / 1000) + 24 * 3600;
  return devices.map((device) => ({ id: device.readerId, sessionId: device.sessionId, token: signJwt(readerClaims(device, expires), stack.jwtSecret) }));
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

/** The table each path's heartbeats write: a device's narrow row, or the reader's whole profile row. */
export const HEARTBEAT_TABLE: Record<HeartbeatPath, string> = { project: 'private.reader_devices', seed: 'public.seed_users' };

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

/** One statement the server ran for a heartbeat, nested ones included, as auto_explain logged it. */
export interface StatementPlan {
  ms: number;
  /** The statement's text, first line, shortened. */
  query: string;
  /** Whether it read or wrote a table (a scan, update, insert or delete among its plan's nodes). */
  touchesTables: boolean;
  plan: string;
}

/**
 * Every statement one usual heartbeat makes PostgreSQL run, with its plan (EXPLAIN ANALYZE,
 * BUFFERS, WAL through auto_explain): `reader`'s device is set to "heard 30 s ago" first, and the
 * whole transaction is rolled back, so nothing changes. What PostgREST adds around the call (the
 * role and claims, the JSON of the answer) is not in it.
 */
export async function heartbeatStatements(db: pg.Client, reader: SimulatedReader): Promise<StatementPlan[]> {
  // Committed apart, so the heartbeat finds a row of an earlier transaction, as in the rounds (a row
  // this transaction had written would make its foreign keys be checked again).
  await db.query(
    `update private.reader_devices set last_seen_at = now() - interval '30 seconds', last_input_at = now() - interval '30 seconds'
    where session_id = $1`,
    [reader.sessionId],
  );
  const heartbeat = async () => {
    await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: reader.id, role: 'authenticated', aud: 'authenticated', session_id: reader.sessionId }),
    ]);
    await db.query('select * from public.reader_heartbeat()');
    await db.query('reset role');
  };
  // One heartbeat first, rolled back, as PostgREST's connections have had many: the function's
  // statements are planned and cached then, so the one logged shows what every heartbeat runs.
  await db.query('begin');
  try {
    await heartbeat();
  } finally {
    await db.query('rollback');
  }
  await db.query('begin');
  try {
    const plans = await autoExplained(db, heartbeat);
    return plans.map(parseLoggedPlan).filter((statement) => !/set_config\('role'/.test(statement.query));
  } finally {
    await db.query('rollback');
  }
}

/** A plan node that reads or writes a table: "Seq Scan on t", "Index Scan using i on t", "Update on t"... */
const TABLE_NODE = /(Scan|Update|Insert|Delete)( using \w+)? on /;

/** An auto_explain message: "duration: 1.2 ms  plan:", "Query Text: ..." (maybe several lines), parameters, the plan. */
export function parseLoggedPlan(message: string): StatementPlan {
  const lines = message.split('\n');
  const ms = Number(/^duration: ([\d.]+) ms/.exec(lines[0] ?? '')?.[1] ?? 0);
  const planStart = lines.findIndex((line, index) => index > 0 && (/\(cost=/.test(line) || line.startsWith('Query Parameters:')));
  const textLines = lines.slice(1, planStart === -1 ? lines.length : planStart);
  const query = textLines
    .join(' ')
    .replace(/^Query Text:/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const plan = lines.slice(1).join('\n');
  const nodes = planStart === -1 ? '' : lines.slice(planStart).join('\n');
  return { ms, query: query.length > 120 ? `${query.slice(0, 117)}...` : query, touchesTables: TABLE_NODE.test(nodes), plan };
}
