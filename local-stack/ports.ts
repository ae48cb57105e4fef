import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const HOST = '127.0.0.1';

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: HOST, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

// Ports are chosen seconds before a service binds them (PostgreSQL starts, migrations run). A port
// the OS hands out for port 0 comes from its ephemeral range, the one it also hands to outgoing
// connections, and one of the many a test run makes took a stack's API port in that time
// (EADDRINUSE in CI). So ports are chosen below that range, and each is reserved for a minute in a
// file that concurrent processes (test workers, e2e, npm start) see.
const LOWEST_CHOSEN_PORT = 20_000;
const RESERVATION_MS = 60_000;
const RESERVATIONS_DIR = path.join(os.tmpdir(), 'local-stack-ports');

/** The first port of the kernel's ephemeral range (Linux), else the IANA dynamic range's. */
function firstEphemeralPort(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > LOWEST_CHOSEN_PORT + 1_000) return low;
  } catch {
    // Not Linux: fall through.
  }
  return 49_152;
}

/** Creates the file unless it exists: atomic across processes. */
function createOnce(file: string): boolean {
  try {
    fs.closeSync(fs.openSync(file, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Takes the port's reservation unless another process holds one made in the last minute. */
function reserve(port: number): boolean {
  const file = path.join(RESERVATIONS_DIR, String(port));
  if (createOnce(file)) return true;
  const held = fs.statSync(file, { throwIfNoEntry: false });
  if (held && Date.now() - held.mtimeMs <= RESERVATION_MS) return false;
  fs.rmSync(file, { force: true });
  return createOnce(file);
}

/** A port free now and reserved for a minute, for a service that binds it shortly (test stacks, internal services). */
export async function freePort(): Promise<number> {
  fs.mkdirSync(RESERVATIONS_DIR, { recursive: true });
  const end = firstEphemeralPort();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST_CHOSEN_PORT + Math.floor(Math.random() * (end - LOWEST_CHOSEN_PORT));
    if (reserve(port) && (await isPortFree(port))) return port;
  }
  throw new Error(`no free port found between ${LOWEST_CHOSEN_PORT} and ${end} in 100 tries`);
}
