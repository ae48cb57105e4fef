import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { PresenceStatsPanel } from '@/features/presence-stats/components/presence-stats-panel';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase, type FakeResult } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const LUNA = '11111111-1111-4111-8111-111111111111';
const ADMIN = '66666666-6666-4666-8666-666666666666';

// Newest first, as reader_presence_stats answers.
const DAYS = [
  { day: '2026-11-24', online_minutes: '45.0', sessions: 1, longest_session_minutes: '45.0', peak_hour: 20 },
  { day: '2026-11-22', online_minutes: '135.0', sessions: 2, longest_session_minutes: '90.0', peak_hour: 9 },
  { day: '2026-11-20', online_minutes: '30.0', sessions: 3, longest_session_minutes: '20.0', peak_hour: 9 },
];

function renderPanel(answer: () => FakeResult, props: { reader?: { id: string; name: string }; viewerId?: string } = {}) {
  const supabase = fakeSupabase(() => ({ data: null, error: null }), answer);
  render(
    <WithQueryClient client={createQueryClient()}>
      <PresenceStatsPanel client={supabase.client} viewerId={props.viewerId ?? LUNA} reader={props.reader} today="2026-11-25" />
    </WithQueryClient>,
  );
  return supabase;
}

const figure = (label: string) => screen.getByText(label, { selector: 'dt' }).parentElement!;

describe('PresenceStatsPanel', () => {
  test("a reader's own figures: time online, sessions, the longest session and the most common peak hour", async () => {
    const supabase = renderPanel(() => ({ data: DAYS, error: null }));

    const panel = await screen.findByRole('region', { name: 'Your presence' });
    await within(panel).findByText('Time online');
    expect(figure('Time online')).toHaveTextContent('3 h 30 min');
    expect(figure('Time online')).toHaveTextContent('210 minutes on 3 days');
    expect(figure('Sessions')).toHaveTextContent('6');
    expect(figure('Longest session')).toHaveTextContent('1 h 30 min');
    expect(figure('Longest session')).toHaveTextContent('on Sun 22 Nov');
    expect(figure('Most common peak hour')).toHaveTextContent('09:00–10:00');
    expect(figure('Most common peak hour')).toHaveTextContent("the day's busiest hour on 2 of 3 days");
    expect(supabase.rpc).toHaveBeenCalledExactlyOnceWith('reader_presence_stats', { days: 30 });
  });

  test('the chart of minutes per day has a title, a summary and a table view of every day with presence', async () => {
    renderPanel(() => ({ data: DAYS, error: null }));
    const user = userEvent.setup();

    const chart = await screen.findByRole('region', { name: 'Online per day' });
    expect(within(chart).getByRole('heading', { level: 3, name: 'Online per day' })).toBeInTheDocument();
    expect(chart).toHaveTextContent('Online on 3 of the last 30 days, 3 h 30 min in all; the most on Sun 22 Nov, with 2 h 15 min.');
    const image = within(chart).getByRole('img', { name: 'Minutes online per day, the last 30 days' });
    // A bar per day with presence, the other days of the 30 empty.
    expect(image.querySelectorAll('rect')).toHaveLength(3);

    await user.click(within(chart).getByRole('button', { name: 'Show table' }));

    const table = within(chart).getByRole('table', { name: 'Minutes online per day, the last 30 days' });
    expect(
      within(table)
        .getAllByRole('row')
        .map((row) => [...row.children].map((cell) => cell.textContent)),
    ).toEqual([
      ['Day', 'Online (minutes)', 'Sessions', 'Longest session (minutes)', 'Peak hour'],
      ['Fri 20 Nov', '30', '3', '20', '09:00'],
      ['Sun 22 Nov', '135', '2', '90', '09:00'],
      ['Tue 24 Nov', '45', '1', '45', '20:00'],
    ]);
  });

  test('no presence yet: says so, and that the statistics are computed daily', async () => {
    renderPanel(() => ({ data: [], error: null }));

    expect(await screen.findByText('No presence recorded in the last 30 days yet; statistics are computed daily.')).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByText('Time online')).not.toBeInTheDocument();
  });

  test('a failed read says so, and Try again reads again', async () => {
    let answer: FakeResult = { data: null, error: { message: 'Failed to fetch' }, status: 0 };
    const supabase = renderPanel(() => answer);
    const user = userEvent.setup();

    expect(await screen.findByRole('alert')).toHaveTextContent('The presence statistics could not be loaded. The server cannot be reached.');
    answer = { data: DAYS, error: null };
    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('region', { name: 'Online per day' })).toBeInTheDocument();
    expect(supabase.rpc).toHaveBeenCalledTimes(2);
  });

  test("an admin reads a named reader's days, under a title with their name", async () => {
    const supabase = renderPanel(() => ({ data: DAYS, error: null }), { viewerId: ADMIN, reader: { id: LUNA, name: 'Luna Starweaver' } });

    expect(await screen.findByRole('heading', { level: 2, name: 'Presence of Luna Starweaver' })).toBeInTheDocument();
    expect(screen.getByText(/from their status changes, in the time zone of their hours/)).toBeInTheDocument();
    expect(supabase.rpc).toHaveBeenCalledExactlyOnceWith('reader_presence_stats', { reader_id: LUNA, days: 30 });
  });
});
