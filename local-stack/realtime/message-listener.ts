/**
 * Rows of realtime.messages as they commit, the local stand-in for Realtime's replication connection
 * (supabase/realtime lib/realtime/tenants/replication_connection.ex): the AFTER INSERT trigger of the
 * base schema NOTIFYs each row, one dedicated connection LISTENs, and reconnects with backoff when
 * the database goes away. Rows committed while it is away are not replayed.
 */
import pg from 'pg';

export const NOTIFY_CHANNEL = 'realtime_local_messages';

/** Supabase drops message partitions older than 72 hours (lib/realtime/messages.ex, delete_old_messages). */
export const RETENTION_HOURS = 72;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface BroadcastRow {
  id: string;
  topic: string;
  event: string;
  /** The payload as JSON text, passed on as it is. */
  payloadJson: string;
  private: boolean;
}

export interface MessageListener {
  stop(): Promise<void>;
}

interface NotifiedRow {
  id?: unknown;
  topic?: unknown;
  event?: unknown;
  payload?: unknown;
  private?: unknown;
  inserted_at?: unknown;
  truncated?: unknown;
}

function rowOf(notified: NotifiedRow): BroadcastRow | undefined {
  const { id, topic, event, payload } = notified;
  if (typeof id !== 'string' || typeof topic !== 'string' || typeof event !== 'string' || payload === undefined || payload === null) return undefined;
  return { id, topic, event, payloadJson: JSON.stringify(payload), private: notified.private === true };
}

async function readRow(pool: pg.Pool, id: string): Promise<BroadcastRow | undefined> {
  const { rows } = await pool.query<{ id: string; topic: string; event: string | null; payload: string | null; private: boolean | null }>(
    'select id, topic, event, payload::text as payload, private from realtime.messages where id = $1',
    [id],
  );
  const row = rows[0];
  if (!row?.event || row.payload === null) return undefined;
  return { id: row.id, topic: row.topic, event: row.event, payloadJson: row.payload, private: row.private === true };
}

export interface ListenerOptions {
  databaseUrl: string;
  /** For rows too large for NOTIFY, read by id. */
  pool: pg.Pool;
  onRow: (row: BroadcastRow) => void;
  log: (line: string) => void;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

/** Resolves once the first LISTEN is in place, so that a message committed after start is not missed. */
export async function startMessageListener({ databaseUrl, pool, onRow, log }: ListenerOptions): Promise<MessageListener> {
  let client: pg.Client | undefined;
  let stopped = false;
  let backoffMs = MIN_BACKOFF_MS;
  let retry: NodeJS.Timeout | undefined;
  // Rows read by id keep their place: deliveries run one after the other, in commit order.
  let deliveries = Promise.resolve();

  const deliver = (text: string) => {
    deliveries = deliveries.then(async () => {
      try {
        const notified = JSON.parse(text) as NotifiedRow;
        const row = notified.truncated === true && typeof notified.id === 'string' ? await readRow(pool, notified.id) : rowOf(notified);
        if (row) onRow(row);
      } catch (error) {
        log(`realtime: a database broadcast could not be delivered: ${(error as Error).message}`);
      }
    });
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl, application_name: 'local realtime listener' });
    const lost = (reason: string) => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      if (stopped) return;
      log(`realtime: database connection lost (${reason}); reconnecting in ${backoffMs} ms`);
      schedule();
    };
    next.on('error', (error) => lost(error.message));
    next.on('end', () => lost('connection ended'));
    next.on('notification', (message) => {
      if (message.channel === NOTIFY_CHANNEL && message.payload) deliver(message.payload);
    });
    client = next;
    try {
      await next.connect();
      await next.query(`listen ${NOTIFY_CHANNEL}`);
      backoffMs = MIN_BACKOFF_MS;
    } catch (error) {
      lost((error as Error).message);
      throw error;
    }
  };

  const schedule = () => {
    clearTimeout(retry);
    retry = setTimeout(() => {
      connect().catch(() => undefined);
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  };

  await connect().catch((error: Error) => {
    stopped = true;
    clearTimeout(retry);
    throw error;
  });

  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
      await deliveries;
    },
  };
}

/** Deletes messages past Supabase's retention, now and every hour, until stopped. */
export function startRetention(pool: pg.Pool, log: (line: string) => void): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const purge = () => {
    running = pool
      .query(`delete from realtime.messages where inserted_at < now() - interval '${RETENTION_HOURS} hours'`)
      .then((result) => {
        if (result.rowCount) log(`realtime: deleted ${result.rowCount} messages older than ${RETENTION_HOURS} hours`);
      })
      .catch((error: Error) => log(`realtime: deleting old messages failed: ${error.message}`));
  };
  purge();
  const timer = setInterval(purge, PURGE_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}
