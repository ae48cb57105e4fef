import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { ReaderStatsSection } from '@/features/presence-stats/components/reader-stats-section';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase, type FakeCalls } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const ADMIN = '66666666-6666-4666-8666-666666666666';
const READERS = [
  { id: '11111111-1111-4111-8111-111111111111', display_name: 'Luna Starweaver' },
  { id: '22222222-2222-4222-8222-222222222222', display_name: 'Orion Vale' },
];

const searched = (calls: FakeCalls) => calls.find(([method]) => method === 'ilike')?.[1][1];

function renderSection() {
  const supabase = fakeSupabase(
    (_table, calls) => {
      const pattern = searched(calls);
      const needle = typeof pattern === 'string' ? pattern.slice(1, -1).toLowerCase() : '';
      return { data: READERS.filter((reader) => reader.display_name.toLowerCase().includes(needle)), error: null };
    },
    () => ({ data: [{ day: '2026-11-24', online_minutes: 45, sessions: 1, longest_session_minutes: 45, peak_hour: 20 }], error: null }),
  );
  render(
    <WithQueryClient client={createQueryClient()}>
      <ReaderStatsSection client={supabase.client} adminId={ADMIN} today="2026-11-25" />
    </WithQueryClient>,
  );
  return supabase;
}

describe('ReaderStatsSection', () => {
  test("an admin finds a reader by name and sees that reader's statistics", async () => {
    const supabase = renderSection();
    const user = userEvent.setup();

    const reader = screen.getByRole('combobox', { name: 'Reader' });
    expect(await screen.findByText('2 readers found.')).toBeInTheDocument();
    expect(
      within(reader)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Choose a reader', 'Luna Starweaver', 'Orion Vale']);

    await user.type(screen.getByRole('searchbox', { name: 'Find a reader by name' }), 'orion');
    expect(await screen.findByText('1 reader found.')).toBeInTheDocument();
    expect(
      within(reader)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Choose a reader', 'Orion Vale']);
    expect(supabase.rpc).not.toHaveBeenCalled();

    await user.selectOptions(reader, 'Orion Vale');

    expect(await screen.findByRole('heading', { level: 3, name: 'Presence of Orion Vale' })).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 4, name: 'Online per day' })).toBeInTheDocument();
    expect(supabase.rpc).toHaveBeenCalledExactlyOnceWith('reader_presence_stats', { reader_id: READERS[1]!.id, days: 30 });
  });

  test('the reader on screen stays chosen while another search does not find them', async () => {
    renderSection();
    const user = userEvent.setup();
    const reader = screen.getByRole('combobox', { name: 'Reader' });
    await screen.findByText('2 readers found.');
    await user.selectOptions(reader, 'Luna Starweaver');

    await user.type(screen.getByRole('searchbox', { name: 'Find a reader by name' }), 'zzz');

    expect(await screen.findByText("No listed reader's name contains “zzz”.")).toBeInTheDocument();
    expect(reader).toHaveValue(READERS[0]!.id);
    expect(screen.getByRole('heading', { name: 'Presence of Luna Starweaver' })).toBeInTheDocument();
  });
});
