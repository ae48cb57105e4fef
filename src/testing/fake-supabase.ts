import type { AuthChangeEvent, Session } from '@supabase/supabase-js';
import { vi } from 'vitest';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** An answer as supabase-js gives it; `status` defaults to 200, or 400 when there is an error. */
export type FakeResult = { data: unknown; error: unknown; status?: number };

/** The builder calls a query made, in order: `[method, args]`. */
export type FakeCalls = [string, unknown[]][];

const BUILDER_METHODS = [
  'select',
  'eq',
  'ilike',
  'order',
  'range',
  'update',
  'single',
  'maybeSingle',
  'in',
  'insert',
  'upsert',
  'delete',
  'limit',
  'gt',
  'lt',
  'neq',
];

function withStatus(result: FakeResult): Required<FakeResult> {
  return { ...result, status: result.status ?? (result.error ? 400 : 200) };
}

/** A chainable stand-in for a PostgREST builder that records its calls and answers when awaited. */
function builder(calls: FakeCalls, answer: () => FakeResult | Promise<FakeResult>) {
  const chain: Record<string, unknown> = {};
  for (const method of BUILDER_METHODS) {
    chain[method] = (...args: unknown[]) => {
      calls.push([method, args]);
      return chain;
    };
  }
  const settle = () => Promise.resolve().then(answer).then(withStatus);
  chain.overrideTypes = settle;
  chain.then = (onFulfilled: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => settle().then(onFulfilled, onRejected);
  return chain;
}

/**
 * A stand-in for the app's Supabase client in unit tests: table queries answer with whatever
 * `respond` returns for the table, RPC calls with whatever `respondRpc` returns for the function
 * (both see the builder calls made, such as `single`), and auth events are fired by hand with `emit`.
 */
export function fakeSupabase(
  respond: (table: string, calls: FakeCalls) => FakeResult | Promise<FakeResult>,
  respondRpc: (fn: string, args: unknown, calls: FakeCalls) => FakeResult | Promise<FakeResult> = () => ({ data: null, error: null }),
) {
  let listener: ((event: AuthChangeEvent, session: Session | null) => void) | undefined;
  /** Every query made, with its table and builder calls. */
  const queries: { table: string; calls: FakeCalls }[] = [];
  const from = vi.fn((table: string) => {
    const calls: FakeCalls = [];
    queries.push({ table, calls });
    return builder(calls, () => respond(table, calls));
  });
  const rpc = vi.fn((fn: string, args?: unknown) => {
    const calls: FakeCalls = [];
    return builder(calls, () => respondRpc(fn, args, calls));
  });
  const auth = {
    onAuthStateChange: vi.fn((callback: typeof listener) => {
      listener = callback;
      return { data: { subscription: { unsubscribe: vi.fn(() => (listener = undefined)) } } };
    }),
    // `error` is unknown: a test answers with whatever error it needs.
    signInWithPassword: vi.fn((): Promise<{ data: object; error: unknown }> => Promise.resolve({ data: {}, error: null })),
    signUp: vi.fn((): Promise<{ data: { session: Session | null }; error: unknown }> => Promise.resolve({ data: { session: {} as Session }, error: null })),
    signOut: vi.fn((): Promise<{ error: unknown }> => Promise.resolve({ error: null })),
  };
  return {
    client: { from, rpc, auth } as unknown as AppSupabaseClient,
    from,
    rpc,
    queries,
    auth,
    emit: (event: AuthChangeEvent, session: Session | null) => listener?.(event, session),
    get listening() {
      return listener !== undefined;
    },
  };
}

export function fakeSession(userId: string, email = `${userId}@demo.test`): Session {
  return { access_token: `token-${userId}`, refresh_token: 'refresh', expires_in: 3600, token_type: 'bearer', user: { id: userId, email } } as Session;
}
