import { act, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { opsKeys } from '@/features/ops/api/query-keys';
import { OpsDashboardPage } from '@/features/ops/components/ops-dashboard-page';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase, type FakeResult } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const ADMIN = 'adadadad-adad-4ada-8ada-adadadadadad';
const SERVER_TIME = '2026-11-25T14:15:00Z';

const presenceDown = {
  id: 7,
  rule: 'presence_down',
  description: 'Readers are recorded online, and no heartbeat arrived for this many minutes',
  detail: '12 readers recorded online, no heartbeat for 3 minutes',
  fired_at: '2026-11-25T14:03:00Z',
  cleared_at: null as string | null,
};
const clearedFailureRate = {
  id: 5,
  rule: 'failure_rate',
  description: 'Over the last 5 minutes, more than this share of presence updates failed (10 failures at least)',
  detail: '40 of 300 presence updates failed in 5 minutes',
  fired_at: '2026-11-25T09:00:00Z',
  cleared_at: '2026-11-25T09:20:00Z',
};

const bucket = (minute: number) => new Date(Date.UTC(2026, 10, 25, 13, minute)).toISOString();

/** The dashboard functions as an admin reads them; `alerts` and `refuse` may change between reads. */
function database({
  alerts = [presenceDown, clearedFailureRate] as (typeof presenceDown)[],
  refuse,
}: { alerts?: (typeof presenceDown)[]; refuse?: FakeResult } = {}) {
  const state = { alerts };
  const supabase = fakeSupabase(
    () => ({ data: null, error: null }),
    (fn) => {
      if (refuse) return refuse;
      switch (fn) {
        case 'ops_presence_now':
          return {
            data: {
              readers: 40,
              available: '8',
              busy: 3,
              away: 2,
              online_stale: 1,
              offline: 27,
              minute: '2026-11-25T14:14:00Z',
              heartbeats_written: 90,
              heartbeats_absorbed: 10,
              failures_reported: 1,
              server_time: SERVER_TIME,
            },
            error: null,
          };
        case 'ops_maintenance_jobs':
          return {
            data: [
              {
                job_name: 'mark-inactive-readers-offline',
                schedule: '* * * * *',
                last_started_at: '2026-11-25T14:14:00Z',
                last_duration_ms: 3.2,
                last_rows_changed: 2,
                last_error: null,
                runs_24h: 1440,
                failures_24h: 0,
                server_time: SERVER_TIME,
              },
              {
                job_name: 'cleanup-reader-presence',
                schedule: '*/10 * * * *',
                last_started_at: '2026-11-25T14:10:00Z',
                last_duration_ms: 40,
                last_rows_changed: null,
                last_error: '57014: canceling statement due to statement timeout',
                runs_24h: 144,
                failures_24h: 1,
                server_time: SERVER_TIME,
              },
            ],
            error: null,
          };
        case 'ops_presence_alerts':
          return { data: state.alerts, error: null };
        case 'ops_presence_series':
          return {
            data: [
              {
                bucket_start: bucket(50),
                online_avg: 10,
                online_peak: 12,
                available_avg: 8,
                heartbeats: 1000,
                failures: 10,
                failure_rate: 0.0099,
                online_stale_peak: 0,
                minutes_seen: 10,
              },
              {
                bucket_start: bucket(60),
                online_avg: '14',
                online_peak: '20',
                available_avg: '9',
                heartbeats: '500',
                failures: '0',
                failure_rate: '0',
                online_stale_peak: 0,
                minutes_seen: 5,
              },
            ],
            error: null,
          };
        case 'ops_transition_series':
          return { data: [{ bucket_start: bucket(50), cause: 'heartbeat', transitions: 4 }], error: null };
        case 'ops_maintenance_series':
          return {
            data: [
              {
                bucket_start: bucket(50),
                job_name: 'mark-inactive-readers-offline',
                runs: 10,
                failures: 0,
                duration_ms_avg: 3,
                duration_ms_max: 5,
                rows_changed: 2,
              },
            ],
            error: null,
          };
        case 'ops_availability_heatmap':
          return { data: [{ weekday: 3, hour: 14, online_avg: 11.5, minutes_seen: 60 }], error: null };
        default:
          return { data: null, error: { message: `no function ${fn}`, code: 'PGRST202' }, status: 404 };
      }
    },
  );
  return { ...supabase, state };
}

function renderPage(db: ReturnType<typeof database>, readerStatistics?: ReactNode, refreshIntervalMs = 30_000) {
  const queryClient = createQueryClient();
  render(
    <WithQueryClient client={queryClient}>
      <OpsDashboardPage client={db.client} adminId={ADMIN} timeZone="UTC" readerStatistics={readerStatistics} refreshIntervalMs={refreshIntervalMs} />
    </WithQueryClient>,
  );
  return queryClient;
}

const rpcCalls = (db: ReturnType<typeof database>, fn: string) => db.rpc.mock.calls.filter(([name]) => name === fn).map(([, args]) => args);

describe('OpsDashboardPage', () => {
  test("an active alert shows as a banner with since-when on the server clock, in the viewer's zone", async () => {
    renderPage(database());

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('1 active alert');
    expect(banner).toHaveTextContent('Presence down: Readers are recorded online, and no heartbeat arrived for this many minutes.');
    expect(banner).toHaveTextContent('12 readers recorded online, no heartbeat for 3 minutes.');
    expect(await within(banner).findByText('Since 14:03 (12 minutes ago).')).toBeInTheDocument();
    expect(banner).not.toHaveTextContent('Failure rate');
  });

  test('without an active alert there is no banner, and the history keeps the cleared ones', async () => {
    renderPage(database({ alerts: [clearedFailureRate] }));

    expect(await screen.findByText('No alert is active.')).toHaveAttribute('role', 'status');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    const history = screen.getByRole('region', { name: 'Alert history (table)' });
    expect(within(history).getByRole('table', { name: 'Alerts fired in the last 24 hours, newest first' })).toBeInTheDocument();
    expect(within(history).getByRole('rowheader', { name: 'Failure rate' })).toBeInTheDocument();
    expect(screen.getByText('1 alert in the last 24 hours')).toBeInTheDocument();
  });

  test('an alert the database cleared leaves the banner on the next read, which comes by itself as often as configured, and the page says how often', async () => {
    const db = database();
    const queryClient = renderPage(db, undefined, 5_000);
    await screen.findByRole('alert');
    for (const key of [opsKeys.alerts(ADMIN, '24 hours'), opsKeys.now(ADMIN), opsKeys.jobs(ADMIN)]) {
      expect(queryClient.getQueryCache().find({ queryKey: key })?.options).toMatchObject({ refetchInterval: 5_000 });
    }
    expect(screen.getByText(/now, jobs and alerts every 5 seconds, charts every minute/)).toBeInTheDocument();

    db.state.alerts = [{ ...presenceDown, cleared_at: '2026-11-25T14:16:00Z' }, clearedFailureRate];
    await act(() => queryClient.refetchQueries({ queryKey: opsKeys.alerts(ADMIN, '24 hours') }));

    expect(await screen.findByText('No alert is active.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  test("now: readers by status, heartbeats and failures per minute, and each job's last run and result", async () => {
    renderPage(database());

    const now = await screen.findByRole('region', { name: 'Now' });
    await within(now).findByText('Available');
    const figure = (label: string) => within(now).getByText(label).parentElement;
    expect(figure('Available')).toHaveTextContent('8');
    expect(figure('Busy (in a reading)')).toHaveTextContent('3');
    expect(figure('Online but stale')).toHaveTextContent('1');
    expect(figure('Offline')).toHaveTextContent('27');
    expect(figure('Heartbeats per minute')).toHaveTextContent('100');
    expect(figure('Failed presence updates per minute')).toHaveTextContent('1');

    const jobs = await screen.findByRole('table', { name: /maintenance job/ });
    const mark = within(jobs).getByRole('rowheader', { name: 'mark-inactive-readers-offline' }).closest('tr')!;
    expect(mark).toHaveTextContent('14:14 (1 minute ago)');
    expect(mark).toHaveTextContent('Succeeded, 2 rows changed');
    const cleanup = within(jobs).getByRole('rowheader', { name: 'cleanup-reader-presence' }).closest('tr')!;
    expect(cleanup).toHaveTextContent('14:10 (5 minutes ago)');
    expect(cleanup).toHaveTextContent('Failed: 57014: canceling statement due to statement timeout');
    expect(cleanup).toHaveTextContent('144 runs, 1 failed');
  });

  test('each chart has a title and a summary, and a table view with a caption in its place', async () => {
    renderPage(database());
    const user = userEvent.setup();

    const chart = await screen.findByRole('region', { name: 'Readers online' });
    expect(chart).toHaveTextContent('Readers online averaged 11.3 over the last 24 hours, peaking at 20 at 14:00.');
    expect(within(chart).getByRole('img', { name: 'Readers online, the last 24 hours, per 10 minutes' })).toBeInTheDocument();
    expect(within(chart).queryByRole('table')).not.toBeInTheDocument();

    await user.click(within(chart).getByRole('button', { name: 'Show table' }));

    const table = within(chart).getByRole('table', { name: 'Readers online, the last 24 hours, per 10 minutes' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Time', 'Online (average)', 'Online (peak)']);
    expect(
      within(table)
        .getAllByRole('row')
        .map((row) => row.textContent),
    ).toEqual(['TimeOnline (average)Online (peak)', '13:501012', '14:001420']);
    expect(within(chart).queryByRole('img')).not.toBeInTheDocument();

    await user.click(within(chart).getByRole('button', { name: 'Show chart' }));
    expect(within(chart).getByRole('img')).toBeInTheDocument();
    expect(within(chart).getByRole('button', { name: 'Show table' })).toHaveFocus();
  });

  test('every chart the issue asks for is there, with its summary', async () => {
    renderPage(database());

    for (const title of ['Readers online', 'Failed presence updates', 'Status changes by cause', 'Cleanup duration', 'Rows changed by the cleanups']) {
      expect(await screen.findByRole('region', { name: title })).toBeInTheDocument();
    }
    expect(screen.getByRole('region', { name: 'Failed presence updates' })).toHaveTextContent(
      '10 of 1,510 presence updates failed in the last 24 hours (0.66%)',
    );
    expect(screen.getByRole('region', { name: 'Status changes by cause' })).toHaveTextContent('4 status changes in the last 24 hours: Heartbeat 4.');
    const heatmap = await screen.findByRole('table', { name: 'Readers online on average by weekday and hour (UTC), last 30 days' });
    expect(within(heatmap).getAllByRole('row')).toHaveLength(8);
    expect(within(heatmap).getByRole('cell', { name: '11.5' })).toHaveAttribute('title', 'Wednesday 14:00: 11.5 online on average');
  });

  test('choosing another period reads every chart and the alerts for that period', async () => {
    const db = database();
    renderPage(db);
    const user = userEvent.setup();
    await screen.findByRole('region', { name: 'Readers online' });
    expect(screen.getByRole('radio', { name: '24 hours' })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: '7 days' }));

    expect(screen.getByRole('radio', { name: '7 days' })).toBeChecked();
    expect(await screen.findByText(/Readers online averaged 11.3 over the last 7 days/)).toBeInTheDocument();
    for (const fn of ['ops_presence_series', 'ops_transition_series', 'ops_maintenance_series', 'ops_presence_alerts']) {
      expect(rpcCalls(db, fn)).toEqual([{ period: '24 hours' }, { period: '7 days' }]);
    }
    expect(rpcCalls(db, 'ops_availability_heatmap')).toEqual([{ time_zone: 'UTC' }]);
  });

  test("readers' own statistics, which the app brings, come last under their own heading", async () => {
    renderPage(database(), <p>Choose a reader</p>);

    const section = await screen.findByRole('region', { name: 'Reader statistics' });
    expect(section).toHaveTextContent('Choose a reader');
    expect(within(section).getByRole('heading', { level: 2, name: 'Reader statistics' })).toBeInTheDocument();
  });

  test('without them there is no such section', async () => {
    renderPage(database());
    await screen.findByRole('region', { name: 'Readers online' });
    expect(screen.queryByRole('region', { name: 'Reader statistics' })).not.toBeInTheDocument();
  });

  test('an account the database no longer takes for an admin is told that only admins can see the page', async () => {
    renderPage(database({ refuse: { data: null, error: { code: '42501', message: 'only admins see the presence dashboard' }, status: 403 } }));

    expect(await screen.findByRole('status')).toHaveTextContent('Only admins can see this page.');
    expect(screen.getByRole('heading', { level: 1, name: 'Presence dashboard' })).toBeInTheDocument();
  });

  test('a failed read says so, with a way to try again', async () => {
    renderPage(database({ refuse: { data: null, error: { message: 'Failed to fetch' }, status: 0 } }));

    const errors = await screen.findAllByRole('alert');
    expect(errors.map((error) => error.textContent)).toContain(
      'The current figures could not be loaded. The server cannot be reached. Check your connection and try again.Try again',
    );
  });
});
