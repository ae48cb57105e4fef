import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
  // A table of the test's own, with Supabase-style RLS, to prove the gateway and PostgREST apply it.
  await sql(
    stack,
    `
    create table public.gateway_notes (
      id bigint generated always as identity primary key,
      owner_id uuid not null default auth.uid() references auth.users (id),
      body text not null,
      is_public boolean not null default false
    );
    alter table public.gateway_notes enable row level security;
    create policy "Anyone can read public notes" on public.gateway_notes for select to anon, authenticated using (is_public);
    create policy "Owners can read their notes" on public.gateway_notes for select to authenticated using ((select auth.uid()) = owner_id);
    create policy "Owners can add their notes" on public.gateway_notes for insert to authenticated with check ((select auth.uid()) = owner_id);
    grant select on public.gateway_notes to anon;
    grant select, insert on public.gateway_notes to authenticated;
    grant select on public.gateway_notes to service_role;
    notify pgrst, 'reload schema';
  `,
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { error } = await clientFor(stack).from('gateway_notes').select('id').limit(1);
    if (!error) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('PostgREST did not pick up the test table');
});

afterAll(async () => {
  await stack?.stop();
});

describe('apikey', () => {
  test('a request without an apikey is refused with 401', async () => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'No API key found in request' });
  });

  test('a request with an unknown apikey is refused with 401, also on auth', async () => {
    for (const path of ['/rest/v1/gateway_notes', '/auth/v1/health']) {
      const response = await fetch(`${stack.apiUrl}${path}`, { headers: { apikey: 'not-a-key' } });
      expect(response.status, path).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'Invalid API key' });
    }
  });

  test('the opaque publishable and secret keys act as anon and service_role', async () => {
    const { data } = await clientFor(stack).auth.signUp({ email: uniqueEmail('opaque'), password: 'opaque-password' });
    await sql(stack, "insert into public.gateway_notes (owner_id, body) values ($1, 'opaque private')", [data.user!.id]);
    const read = async (apikey: string) => {
      const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes?select=body&body=eq.opaque%20private`, { headers: { apikey } });
      expect(response.status).toBe(200);
      return response.json() as Promise<unknown>;
    };
    expect(await read(stack.publishableKey)).toEqual([]);
    expect(await read(stack.secretKey)).toEqual([{ body: 'opaque private' }]);
  });

  test('the secret key this stack once hard-coded is refused', async () => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes`, { headers: { apikey: 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Invalid API key' });
  });

  test('an apikey in the query is not passed on to PostgREST', async () => {
    // PostgREST would take `apikey=...` for a filter on a column that does not exist and answer 400.
    const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes?select=body&apikey=${stack.anonKey}&is_public=is.true`);
    expect(response.status).toBe(200);
  });

  test('unknown paths answer 404', async () => {
    const response = await fetch(`${stack.apiUrl}/storage/v1/bucket`, { headers: { apikey: stack.anonKey } });
    expect(response.status).toBe(404);
  });
});

describe('CORS', () => {
  test('a browser preflight is answered with the headers supabase-js sends', async () => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey,authorization,x-client-info',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-supabase-api-version');
  });

  test('responses expose the Supabase API version header to browsers', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/health`, { headers: { apikey: stack.anonKey } });
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
  });
});

describe('row-level security through the gateway', () => {
  test('anonymous sees public rows only; a signed-in owner sees their own too; nobody writes for another', async () => {
    const alice = clientFor(stack);
    const bob = clientFor(stack);
    const aliceSignUp = await alice.auth.signUp({ email: uniqueEmail('alice'), password: 'alice-password' });
    const bobSignUp = await bob.auth.signUp({ email: uniqueEmail('bob'), password: 'bob-password' });
    expect(aliceSignUp.error).toBeNull();
    expect(bobSignUp.error).toBeNull();
    const aliceId = aliceSignUp.data.user!.id;

    const inserted = await alice.from('gateway_notes').insert([
      { body: 'alice public', is_public: true },
      { body: 'alice private', is_public: false },
    ]);
    expect(inserted.error).toBeNull();

    const forged = await bob.from('gateway_notes').insert({ body: 'pretending to be alice', owner_id: aliceId });
    expect(forged.error?.code).toBe('42501');

    const anonymous = await clientFor(stack).from('gateway_notes').select('body').order('body');
    expect(anonymous.data).toEqual([{ body: 'alice public' }]);

    const asAlice = await alice.from('gateway_notes').select('body').order('body');
    expect(asAlice.data).toEqual([{ body: 'alice private' }, { body: 'alice public' }]);

    const asBob = await bob.from('gateway_notes').select('body').order('body');
    expect(asBob.data).toEqual([{ body: 'alice public' }]);

    const anonymousInsert = await clientFor(stack).from('gateway_notes').insert({ body: 'anonymous' });
    expect(anonymousInsert.error?.code).toBe('42501');
  });

  test('auth.uid() inside the database is the signed-in user', async () => {
    const client = clientFor(stack);
    const { data } = await client.auth.signUp({ email: uniqueEmail('uid'), password: 'uid-password' });
    await client.from('gateway_notes').insert({ body: 'mine' });
    const rows = await sql<{ owner_id: string }>(stack, "select owner_id from public.gateway_notes where body = 'mine'");
    expect(rows).toEqual([{ owner_id: data.user!.id }]);
  });
});

/** One request sent exactly as given (fetch would normalise the path); the body, if any, in chunks. */
function send(
  options: { method?: string; path: string; headers?: http.OutgoingHttpHeaders; chunks?: Buffer[] },
  agent: http.Agent | false = false,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(stack.apiUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request({ host: hostname, port, agent, method: options.method ?? 'GET', path: options.path, headers: options.headers });
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    // Once the answer is in, a refused upload may fail to write the rest: that is the point.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      for (const chunk of options.chunks ?? []) {
        if (answered || request.destroyed) return;
        if (!request.write(chunk)) await new Promise((drained) => request.once('drain', drained));
      }
      request.end();
    })();
  });
}

async function expectStackAnswers(): Promise<void> {
  const { error } = await clientFor(stack).from('gateway_notes').select('id').limit(1);
  expect(error).toBeNull();
}

describe('requests the gateway refuses without taking the stack down', () => {
  // unknown rather than vitest's any, which would spread to the objects it is put in
  const anyMessage: unknown = expect.any(String);

  test('a request line no URL parser accepts gets 400 JSON', async () => {
    const { hostname, port } = new URL(stack.apiUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = net.connect(Number(port), hostname, () => socket.write('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/\r\ncontent-type: application\/json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ message: anyMessage });
    await expectStackAnswers();
  });

  test('paths naming another host get 400 and reach nothing', async () => {
    let connections = 0;
    const canary = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(canary.address() as net.AddressInfo).port}`;
    try {
      // With the key in the query, a page on any origin could send these as simple cross-origin GETs.
      for (const path of [`/rest/v1//${address}/x`, `/rest/v1/\\${address}/x`, `/auth/v1//${address}/x`]) {
        const answer = await send({ path: `${path}?apikey=${stack.anonKey}` });
        expect(answer.status, path).toBe(400);
        expect(JSON.parse(answer.body)).toMatchObject({ message: anyMessage });
      }
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => canary.close(resolve));
    }
    await expectStackAnswers();
  });

  test('a body over the limit gets 413, declared or chunked', async () => {
    const twoMiB = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 'a'));
    const headers = { apikey: stack.anonKey, 'content-type': 'application/json' };
    const declared = await send({
      method: 'POST',
      path: '/rest/v1/gateway_notes',
      headers: { ...headers, 'content-length': String(2 * 1024 * 1024) },
      chunks: twoMiB,
    });
    expect(declared.status).toBe(413);
    const chunked = await send({ method: 'POST', path: '/rest/v1/gateway_notes', headers, chunks: twoMiB });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ message: 'Request size limit exceeded' });
    await expectStackAnswers();
  });

  test('uploads PostgREST answers without reading (a bad token) never cost a later request its answer', async () => {
    // PostgREST reads at most 8 KiB of a body it did not need, then drops the connection without a
    // word; a pooled connection reused after that failed the next request with a 502.
    const upload = {
      method: 'POST',
      path: '/rest/v1/rpc/reader_directory_summary',
      headers: { apikey: stack.anonKey, authorization: 'Bearer not-a-token', 'content-type': 'application/json', 'content-length': String(10 * 1024) },
      chunks: [Buffer.alloc(10 * 1024, ' ')],
    };
    const read = { path: '/rest/v1/gateway_notes?select=id&limit=1', headers: { apikey: stack.anonKey } };
    const statuses = { upload: new Set<number>(), read: new Set<number>() };
    const deadline = Date.now() + 2_000;
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        while (Date.now() < deadline) {
          const kind = worker % 2 === 0 ? 'upload' : 'read';
          statuses[kind].add((await send(kind === 'upload' ? upload : read, http.globalAgent)).status);
        }
      }),
    );
    expect(statuses).toEqual({ upload: new Set([401]), read: new Set([200]) });
  });
});
