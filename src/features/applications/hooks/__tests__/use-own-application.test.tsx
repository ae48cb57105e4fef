import { focusManager } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import type { OwnApplication } from '@/features/applications/api/fetch-own-application';
import { useOwnApplication } from '@/features/applications/hooks/use-own-application';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const ME = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const POLL_MS = 20;
const application = (status: OwnApplication['status']): OwnApplication => ({
  status,
  reason: status === 'rejected' ? 'Add a photo.' : null,
  submitted_at: '2026-11-25T10:00:00Z',
  decided_at: status === 'pending' ? null : '2026-11-26T10:00:00Z',
});

/** The stored application, and how many times the app read it. */
function database(stored: { application: OwnApplication | null }) {
  const supabase = fakeSupabase(() => ({ data: stored.application, error: null }));
  return { client: supabase.client, reads: () => supabase.queries.length };
}

function renderOwnApplication(client: ReturnType<typeof database>['client'], pollWhilePendingMs?: number) {
  const queryClient = createQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <WithQueryClient client={queryClient}>{children}</WithQueryClient>;
  return renderHook(() => useOwnApplication(client, ME, { pollWhilePendingMs }), { wrapper });
}

const pause = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));

afterEach(() => {
  focusManager.setFocused(undefined);
});

describe('useOwnApplication', () => {
  test('while pending it is read again on the poll, until the decision comes; then no more', async () => {
    const stored = { application: application('pending') as OwnApplication | null };
    const db = database(stored);
    const { result } = renderOwnApplication(db.client, POLL_MS);
    await waitFor(() => expect(result.current.application?.status).toBe('pending'));

    await waitFor(() => expect(db.reads()).toBeGreaterThanOrEqual(3));
    stored.application = application('approved');
    await waitFor(() => expect(result.current.application?.status).toBe('approved'));
    const reads = db.reads();
    await pause(POLL_MS * 5);
    expect(db.reads()).toBe(reads);
  });

  test('a decided application, or none, is not polled', async () => {
    for (const stored of [{ application: application('rejected') }, { application: null }]) {
      const db = database(stored);
      const { result, unmount } = renderOwnApplication(db.client, POLL_MS);
      await waitFor(() => expect(result.current.application).toEqual(stored.application));
      await pause(POLL_MS * 5);
      expect(db.reads()).toBe(1);
      unmount();
    }
  });

  test('coming back to the tab reads a pending application again, and only a pending one', async () => {
    const pending = database({ application: application('pending') });
    const rejected = database({ application: application('rejected') });
    const first = renderOwnApplication(pending.client);
    const second = renderOwnApplication(rejected.client);
    await waitFor(() => expect(first.result.current.application?.status).toBe('pending'));
    await waitFor(() => expect(second.result.current.application?.status).toBe('rejected'));

    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
    });

    await waitFor(() => expect(pending.reads()).toBe(2));
    expect(rejected.reads()).toBe(1);
  });
});
