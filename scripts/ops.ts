/**
 * The common ops queries, against the local stack's database or any other:
 *
 *   npm run ops -- <command> [arguments] [--db-url postgresql://...]
 *
 * Without --db-url: DATABASE_URL, else the local stack's database (STACK_DB_PORT, 54322).
 * Every command reads or calls what the migrations define; none holds a rule of its own.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { configFromEnv } from '../local-stack/config.ts';

interface Command {
  usage: string;
  what: string;
  run(db: pg.Client, args: string[]): Promise<void>;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

async function show(db: pg.Client, sql: string, values: unknown[] = []): Promise<void> {
  const { rows } = await db.query(sql, values);
  if (rows.length === 0) console.log('(none)');
  else console.table(rows);
}

export const COMMANDS: Record<string, Command> = {
  status: {
    usage: 'status',
    what: 'readers by status now, and the last full minute',
    run: (db) => show(db, 'select * from private.presence_now()'),
  },
  jobs: {
    usage: 'jobs',
    what: "each maintenance job's last run and its runs of the last day",
    run: (db) =>
      show(
        db,
        'select job_name, schedule, last_started_at, last_duration_ms, last_rows_changed, last_error, runs_24h, failures_24h from private.maintenance_job_status()',
      ),
  },
  alerts: {
    usage: 'alerts',
    what: 'alerts active now, then the last 20 fired',
    run: async (db) => {
      await show(db, 'select rule, fired_at, detail from private.presence_alerts where cleared_at is null order by fired_at');
      await show(db, 'select rule, fired_at, cleared_at, detail from private.presence_alerts order by fired_at desc, id desc limit 20');
    },
  },
  run: {
    usage: 'run <job-name>',
    what: 'run a maintenance job now, logged as the scheduler logs it',
    run: async (db, [job]) => {
      if (!job) throw new UsageError('run needs a job name: npm run ops -- jobs lists them');
      await show(db, 'select private.run_maintenance_job($1) as changed', [job]);
    },
  },
  rollup: {
    usage: 'rollup <yyyy-mm-dd>',
    what: "recompute every reader's presence analytics for that local day (a re-run replaces it)",
    run: async (db, [day]) => {
      if (!day || !ISO_DAY.test(day)) throw new UsageError(`rollup needs a day as yyyy-mm-dd, got ${day ?? 'nothing'}`);
      await show(db, 'select private.rollup_presence_analytics($1::date) as readers_online', [day]);
    },
  },
  purge: {
    usage: 'purge',
    what: 'apply every retention now (audit log, notifications, observability history)',
    run: (db) =>
      show(
        db,
        `select public.purge_presence_audit_log() as audit_rows, public.purge_availability_notifications() as notifications,
                public.purge_presence_observability() as history_rows`,
      ),
  },
  'make-admin': {
    usage: 'make-admin <email>',
    what: 'give an account the admin role (their next token carries it: sign in again)',
    run: async (db, [email]) => {
      if (!email || !EMAIL.test(email)) throw new UsageError(`make-admin needs an email, got ${email ?? 'nothing'}`);
      const { rowCount } = await db.query(
        `update auth.users set raw_app_meta_data = coalesce(raw_app_meta_data, '{}') || '{"role": "admin"}' where lower(email) = lower($1)`,
        [email],
      );
      if (rowCount === 0) throw new UsageError(`no account has the email ${email}`);
      console.log(`${email} is an admin from their next sign-in.`);
    },
  },
};

export class UsageError extends Error {}

export function parseArguments(argv: string[], env: NodeJS.ProcessEnv = process.env): { command: string | undefined; args: string[]; dbUrl: string } {
  const rest = [...argv];
  let dbUrl = env.DATABASE_URL || `postgresql://postgres:postgres@127.0.0.1:${configFromEnv(env).dbPort}/postgres?sslmode=disable`;
  const flag = rest.findIndex((arg) => arg === '--db-url' || arg.startsWith('--db-url='));
  if (flag >= 0) {
    const [given] = rest[flag]!.includes('=') ? [rest[flag]!.slice('--db-url='.length)] : [rest[flag + 1]];
    if (!given || !/^postgres(ql)?:\/\//.test(given)) throw new UsageError('--db-url needs a postgresql:// URL');
    dbUrl = given;
    rest.splice(flag, rest[flag]!.includes('=') ? 1 : 2);
  }
  const [command, ...args] = rest;
  return { command, args, dbUrl };
}

function help(): string {
  const width = Math.max(...Object.values(COMMANDS).map((command) => command.usage.length));
  return [
    'npm run ops -- <command> [--db-url postgresql://...]',
    '',
    ...Object.values(COMMANDS).map((command) => `  ${command.usage.padEnd(width)}  ${command.what}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { command, args, dbUrl } = parseArguments(argv);
  const chosen = command ? COMMANDS[command] : undefined;
  if (!chosen) {
    console.log(help());
    return command && command !== 'help' ? 2 : 0;
  }
  const db = new pg.Client({ connectionString: dbUrl });
  try {
    await db.connect();
  } catch (error) {
    throw new UsageError(
      `cannot reach the database at ${dbUrl.replace(/:[^:@/]*@/, ':***@')} (${(error as Error).message}); is the stack running (npm start)?`,
    );
  }
  try {
    await chosen.run(db, args);
  } finally {
    await db.end();
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // A refusal of the database says what to fix (22023 a bad argument, 42501 a privilege).
      if (error instanceof pg.DatabaseError) console.error(`${error.message} (${error.code})`);
      else console.error(error instanceof Error ? error.message : error);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
