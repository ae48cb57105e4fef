// @vitest-environment jsdom
// supabase-js wants a browser's WebSocket, which Node 20 lacks.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ApiError, REQUEST_TIMEOUT_MS, unwrap } from '@/lib/api-error';
import { createSupabaseClient, fetchWithTimeout } from '@/lib/create-supabase-client';
import { requestUrl } from '@/testing/request-url';

/** A server that never answers: the request settles only when its signal aborts (with a DOMException, in these tests). */
function hangingFetch() {
  return vi.fn<typeof fetch>(
    (_input, init) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        if (signal?.aborted) reject(signal.reason as DOMException);
        signal?.addEventListener('abort', () => reject(signal.reason as DOMException), { once: true });
      }),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fetchWithTimeout', () => {
  test('gives up after the timeout with a TimeoutError', async () => {
    const base = hangingFetch();
    const started = performance.now();

    const error = await fetchWithTimeout(50, base)('https://api.test/rest/v1/reader_cards').catch((failure: unknown) => failure);

    // Node's DOMException, not jsdom's: told by its name.
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(base).toHaveBeenCalledOnce();
  });

  test("an answer within the timeout is passed on untouched, with the caller's request", async () => {
    const answer = new Response('[]', { status: 200 });
    const base = vi.fn<typeof fetch>(() => Promise.resolve(answer));

    await expect(fetchWithTimeout(1_000, base)('https://api.test/x', { method: 'POST', headers: { apikey: 'k' }, body: '{}' })).resolves.toBe(answer);

    const [input, init] = base.mock.calls[0]!;
    expect(input).toBe('https://api.test/x');
    expect(init).toMatchObject({ method: 'POST', headers: { apikey: 'k' }, body: '{}' });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(init?.signal?.aborted).toBe(false);
  });

  test("the caller's own signal still aborts the request, before the timeout", async () => {
    const caller = new AbortController();
    const request = fetchWithTimeout(60_000, hangingFetch())('https://api.test/x', { signal: caller.signal });

    caller.abort(new DOMException('The user left the page.', 'AbortError'));

    await expect(request).rejects.toMatchObject({ name: 'AbortError', message: 'The user left the page.' });
  });

  test("a caller's signal does not switch the timeout off", async () => {
    const caller = new AbortController();
    await expect(fetchWithTimeout(50, hangingFetch())('https://api.test/x', { signal: caller.signal })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(caller.signal.aborted).toBe(false);
  });

  test('each request gets a timeout of its own', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const guarded = fetchWithTimeout(
      5_000,
      vi.fn<typeof fetch>(() => Promise.resolve(new Response('[]'))),
    );
    await guarded('https://api.test/a');
    await guarded('https://api.test/b');
    expect(timeout.mock.calls).toEqual([[5_000], [5_000]]);
  });
});

describe('createSupabaseClient', () => {
  /** AbortSignal.timeout under the test's control: `expire()` times out every request made so far. */
  function controlledTimeouts() {
    const controllers: AbortController[] = [];
    const timeout = vi.spyOn(AbortSignal, 'timeout').mockImplementation(() => {
      const controller = new AbortController();
      controllers.push(controller);
      return controller.signal;
    });
    return {
      timeout,
      expire: () => controllers.forEach((controller) => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))),
    };
  }

  test(`every request times out after ${REQUEST_TIMEOUT_MS} ms, and a hung call becomes an ApiError that says so`, async () => {
    const { timeout, expire } = controlledTimeouts();
    const server = hangingFetch();
    const client = createSupabaseClient('https://hung.supabase.test', 'anon-key', { persistSession: false, fetch: server });

    // A supabase-js query is sent when awaited.
    const answer = Promise.resolve(client.rpc('reader_heartbeat', { idle_seconds: 0 }));
    await vi.waitFor(() => expect(server).toHaveBeenCalledOnce());
    expect(timeout).toHaveBeenCalledWith(REQUEST_TIMEOUT_MS);
    expect(requestUrl(server.mock.calls[0]![0])).toBe('https://hung.supabase.test/rest/v1/rpc/reader_heartbeat');

    expire();
    const settled = await answer;
    expect(settled.status).toBe(0);
    const error = (() => {
      try {
        unwrap(settled);
      } catch (failure) {
        return failure;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, unreachable: true, message: 'The server took too long to answer. Check your connection and try again.' });
  });

  test('a server that cannot be reached becomes an ApiError that says so', async () => {
    const client = createSupabaseClient('https://down.supabase.test', 'anon-key', {
      persistSession: false,
      fetch: vi.fn<typeof fetch>(async () => Promise.reject(new TypeError('fetch failed'))),
    });

    const answer = await client.rpc('reader_go_offline');
    expect(() => {
      unwrap(answer);
    }).toThrow(expect.objectContaining({ status: 0, message: 'The server cannot be reached. Check your connection and try again.' }));
  });
});
