import pg from 'pg';

/** What the data-access functions need: the pool itself, or a client inside a transaction. */
export interface Queryable {
  query<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
}

export function createPool(databaseUrl: string, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5, connectionTimeoutMillis: 5_000 });
  // An idle connection the server drops (a database restart) must not take the process down;
  // the next request simply connects again.
  pool.on('error', (error) => log(`auth: idle database connection lost: ${error.message}`));
  return pool;
}

export async function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    // A connection that could not even roll back is discarded rather than reused.
    client.release(broken);
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03']);

/** The database is down or refusing connections (as opposed to a query that failed). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code) return UNREACHABLE_CODES.has(code) || code.startsWith('08');
  // node-postgres reports these two without a code.
  return error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/.test(error.message);
}

export function isUniqueViolation(error: unknown): boolean {
  return errorCode(error) === '23505';
}

/** The name of the constraint a failed statement broke, e.g. `users_pkey`. */
export function violatedConstraint(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}
