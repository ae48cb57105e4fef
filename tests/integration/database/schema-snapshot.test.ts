/**
 * supabase/schema.sql must be the schema the migrations produce (scripts/schema-snapshot.ts): a
 * migration changed without `npm run db:schema` fails here, with what differs.
 *
 * The snapshot is pg_dump 15's, and pg_dump 15 reads PostgreSQL 15 only:
 *   - under `npm run test:pg15`, DATABASE_URL is a PostgreSQL 15 server: dumped from a throwaway
 *     database on it, in this process;
 *   - under plain `npm test` (embedded PostgreSQL 17, which pg_dump 15 refuses), a private
 *     PostgreSQL 15 cluster is started for the dump through scripts/with-pg15-cron.sh, as
 *     `npm run db:schema` does;
 *   - skipped, saying why, only where Debian's PostgreSQL 15 is not installed at all.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import { freePort } from '../../../local-stack/ports.ts';
import { makeTempDir } from '../../support/test-stack.ts';
import { migratedSchemaSnapshot, PG15_BIN, PG_DUMP_15, REGENERATE_HINT, SCHEMA_FILE, serverMajorVersion } from '../../../scripts/schema-snapshot.ts';

const PG15_INSTALLED = [PG_DUMP_15, path.join(PG15_BIN, 'pg_ctl'), '/usr/lib/postgresql/15/lib/pg_cron.so'].every((file) => fs.existsSync(file));

/** The snapshot made on a private PostgreSQL 15 cluster, exactly as `npm run db:schema` makes it. */
async function snapshotOnPrivateCluster(): Promise<string> {
  const out = path.join(makeTempDir('schema-snapshot-'), 'schema.sql');
  const script = path.join(PROJECT_DIR, 'scripts', 'schema-snapshot.ts');
  const port = String(await freePort());
  await new Promise<void>((resolve, reject) => {
    execFile(
      path.join(PROJECT_DIR, 'scripts', 'with-pg15-cron.sh'),
      [process.execPath, '--import', 'tsx', script, '--out', out],
      { cwd: PROJECT_DIR, env: { ...process.env, PG15_PORT: port }, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
    );
  });
  try {
    return fs.readFileSync(out, 'utf8');
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

async function currentSnapshot(): Promise<string> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl && (await serverMajorVersion(serverUrl)) === 15) return migratedSchemaSnapshot(serverUrl);
  return snapshotOnPrivateCluster();
}

/** Where two texts first part, as a line number and both lines, for a message a person can act on. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const have = actual.split('\n');
  const at = want.findIndex((line, i) => line !== have[i]);
  const line = at === -1 ? want.length : at;
  return `first difference at line ${line + 1}:\n  migrations produce: ${want[line] ?? '(end of file)'}\n  supabase/schema.sql: ${have[line] ?? '(end of file)'}`;
}

describe('supabase/schema.sql', () => {
  test('is the schema the migrations produce', async (context) => {
    context.skip(
      !PG15_INSTALLED,
      'PostgreSQL 15 is not installed (apt-get install postgresql-15 postgresql-15-cron): pg_dump 15 cannot read the embedded PostgreSQL 17',
    );
    const produced = await currentSnapshot();
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (produced !== committed) {
      expect.fail(`supabase/schema.sql is not what the migrations produce: ${REGENERATE_HINT}\n${firstDifference(produced, committed)}`);
    }
    // A dump that lost its content would match an emptied file: the objects must be in it.
    for (const object of [
      'CREATE TABLE private.reader_devices',
      'CREATE VIEW public.reader_cards',
      'CREATE FUNCTION private.presence_status_at',
      'GRANT SELECT ON TABLE public.reader_cards TO anon',
      'CREATE TRIGGER on_auth_user_created',
    ]) {
      expect(committed).toContain(object);
    }
  }, 180_000);
});
