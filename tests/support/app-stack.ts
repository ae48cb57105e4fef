import { afterAll, beforeAll } from 'vitest';
import ws from 'ws';
import type { RunningStack } from '../../local-stack/stack.ts';
import { createSupabaseClient, type AppSupabaseClient } from '../../src/lib/create-supabase-client.ts';
import { startTestStack } from './test-stack.ts';

// The app's client is made for browsers; Node 20 has no WebSocket of its own for supabase-js.
globalThis.WebSocket ??= ws as unknown as typeof WebSocket;

/** One throwaway stack for the calling test file, started before its tests and stopped after them. */
export function stackForThisFile(): () => RunningStack {
  let stack: RunningStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('the stack is started in beforeAll: use it inside tests and hooks');
    return stack;
  };
}

/** The app's own Supabase client (the one the browser uses), without a stored session. */
export function appClientFor(stack: RunningStack, fetch?: typeof globalThis.fetch): AppSupabaseClient {
  return createSupabaseClient(stack.apiUrl, stack.anonKey, { persistSession: false, fetch });
}
