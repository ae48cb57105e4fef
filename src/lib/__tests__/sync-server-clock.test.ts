import { describe, expect, test, vi } from 'vitest';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { ServerClock } from '@/lib/server-clock';
import { syncServerClock } from '@/lib/sync-server-clock';

function clientAnswering(result: { data: unknown; error: unknown }) {
  const rpc = vi.fn(async () => result);
  return { rpc, client: { rpc } as unknown as AppSupabaseClient };
}

describe('syncServerClock', () => {
  test('a browser that has never heard the server time asks the database for it', async () => {
    const clock = new ServerClock(() => Date.parse('2026-11-25T17:00:00Z'));
    const { rpc, client } = clientAnswering({ data: '2026-11-25T12:00:00+00:00', error: null });

    await syncServerClock(client, clock);

    expect(rpc).toHaveBeenCalledWith('server_time');
    expect(clock.now().toISOString()).toBe('2026-11-25T12:00:00.000Z');
  });

  test('a recent server time is enough: no extra request', async () => {
    const clock = new ServerClock();
    clock.observe(new Date());
    const { rpc, client } = clientAnswering({ data: null, error: null });

    await syncServerClock(client, clock);
    expect(rpc).not.toHaveBeenCalled();
  });

  test('a failure reaches the caller and leaves the clock as it was', async () => {
    const clock = new ServerClock(() => 1_000);
    const { client } = clientAnswering({ data: null, error: { message: 'down' } });

    await expect(syncServerClock(client, clock)).rejects.toEqual({ message: 'down' });
    expect(clock.now().getTime()).toBe(1_000);
  });
});
