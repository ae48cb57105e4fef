import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, waitFor } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';
import { useReaderApprovalFollow } from '@/app/reader-approval';
import { queryClient } from '@/app/server-state';
import type { OwnApplication } from '@/features/applications/api/fetch-own-application';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import type { fakeSupabase } from '@/testing/fake-supabase';

const database = vi.hoisted(() => ({ application: null as OwnApplication | null }));
const supabase = vi.hoisted(() => ({ current: undefined as ReturnType<typeof fakeSupabase> | undefined }));
vi.mock('@/lib/supabase', async () => {
  const { fakeSupabase } = await import('@/testing/fake-supabase');
  supabase.current = fakeSupabase(() => ({ data: database.application, error: null }));
  return { getSupabase: () => supabase.current!.client };
});

const initialAuthState = useAuthStore.getState();
const reloadProfile = vi.fn(async () => {});

function Follower() {
  useReaderApprovalFollow();
  return null;
}

function signedIn(isReader: boolean) {
  const profile = { id: 'nova', display_name: 'Nova', avatar_url: null, bio: '', specialties: [], is_reader: isReader };
  act(() => useAuthStore.setState({ status: 'signed-in', user: { id: 'nova', email: 'nova@demo.test' }, profile, reloadProfile }));
  render(
    <QueryClientProvider client={queryClient}>
      <Follower />
    </QueryClientProvider>,
  );
}

const status = (value: OwnApplication['status']): OwnApplication => ({ status: value, reason: null, submitted_at: '2026-11-25T10:00:00Z', decided_at: null });

afterEach(() => {
  queryClient.clear();
  useAuthStore.setState(initialAuthState, true);
  supabase.current!.queries.length = 0;
  vi.clearAllMocks();
});

test("an applicant's app that finds the application approved reads the profile again, once", async () => {
  database.application = status('approved');
  signedIn(false);

  await waitFor(() => expect(reloadProfile).toHaveBeenCalledOnce());
  // The new profile says is_reader: nothing more to follow.
  act(() => useAuthStore.setState({ profile: { ...useAuthStore.getState().profile!, is_reader: true } }));
  await act(() => queryClient.invalidateQueries());
  expect(reloadProfile).toHaveBeenCalledOnce();
});

test('a pending application reloads nothing', async () => {
  database.application = status('pending');
  signedIn(false);

  await waitFor(() => expect(supabase.current!.queries).toHaveLength(1));
  expect(reloadProfile).not.toHaveBeenCalled();
});

test("a reader's app does not read applications at all", async () => {
  database.application = status('approved');
  signedIn(true);

  await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
  expect(supabase.current!.queries).toHaveLength(0);
  expect(reloadProfile).not.toHaveBeenCalled();
});
