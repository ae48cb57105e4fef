import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { HoursSection } from '@/features/hours/components/hours-section';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase, type FakeCalls, type FakeResult } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const READER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const WRITES = ['upsert', 'insert', 'update', 'delete'];

interface Stored {
  timeZone: string | null;
  windows: { id: number; weekday: number; starts: string; ends: string }[];
  daysOff: string[];
}

/** The reader's rows to read, and every write as `table op`, answered by `refuse` or accepted. */
function database(stored: Stored, refuse: (table: string, op: string, args: unknown) => FakeResult | undefined = () => undefined) {
  const writes: string[] = [];
  const supabase = fakeSupabase((table: string, calls: FakeCalls) => {
    const write = calls.find(([method]) => WRITES.includes(method));
    if (write) {
      writes.push(`${table} ${write[0]}`);
      return refuse(table, write[0], write[1][0]) ?? { data: { id: 100 + writes.length }, error: null };
    }
    if (table === 'reader_schedules') return { data: stored.timeZone && { time_zone: stored.timeZone }, error: null };
    if (table === 'reader_hours') return { data: stored.windows, error: null };
    return { data: stored.daysOff.map((day) => ({ day })), error: null };
  });
  return { client: supabase.client, writes };
}

function renderSection(db: ReturnType<typeof database>, onSaved = vi.fn()) {
  render(
    <WithQueryClient client={createQueryClient()}>
      <HoursSection client={db.client} readerId={READER} onSaved={onSaved} browserTimeZone="America/New_York" />
    </WithQueryClient>,
  );
  return onSaved;
}

const setTime = (name: string, value: string) => fireEvent.change(screen.getByLabelText(name), { target: { value } });
const monday = { id: 1, weekday: 1, starts: '09:00:00', ends: '24:00:00' };

describe('HoursSection', () => {
  test('shows the saved zone and windows, the end of the day as 00:00', async () => {
    renderSection(database({ timeZone: 'Europe/London', windows: [monday], daysOff: ['2026-12-24'] }));

    expect(await screen.findByRole('combobox', { name: 'Time zone' })).toHaveValue('Europe/London');
    expect(screen.getByLabelText('Monday window 1 starts')).toHaveValue('09:00');
    expect(screen.getByLabelText('Monday window 1 ends')).toHaveValue('00:00');
    expect(within(screen.getByRole('list', { name: 'Days off' })).getByText(/December/)).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Tuesday' })).toHaveTextContent('No hours');
  });

  test('before the first save, the time zone is the browser’s', async () => {
    renderSection(database({ timeZone: null, windows: [], daysOff: [] }));
    expect(await screen.findByRole('combobox', { name: 'Time zone' })).toHaveValue('America/New_York');
    expect(screen.getByText(/Not saved yet/)).toBeInTheDocument();
  });

  test('adds and removes windows by keyboard, and saves the zone first, then the hours, then days off', async () => {
    const db = database({ timeZone: 'Europe/London', windows: [monday], daysOff: [] });
    const onSaved = renderSection(db);
    const user = userEvent.setup();
    await screen.findByLabelText('Monday window 1 starts');

    screen.getByRole('button', { name: 'Add a window on Tuesday' }).focus();
    await user.keyboard('{Enter}{Enter}');
    setTime('Tuesday window 1 starts', '10:00');
    setTime('Tuesday window 1 ends', '12:00');
    setTime('Tuesday window 2 starts', '18:00');
    setTime('Tuesday window 2 ends', '00:00');
    await user.click(screen.getByRole('button', { name: 'Remove Monday window 1' }));
    expect(screen.queryByLabelText('Monday window 1 starts')).not.toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Day off'), { target: { value: '2026-12-24' } });
    await user.click(screen.getByRole('button', { name: 'Add day off' }));
    await user.click(screen.getByRole('button', { name: 'Save hours' }));

    expect(await screen.findByText('Your hours are saved.')).toBeInTheDocument();
    expect(db.writes).toEqual(['reader_schedules upsert', 'reader_hours delete', 'reader_hours insert', 'reader_hours insert', 'reader_days_off insert']);
    expect(onSaved).toHaveBeenCalledOnce();
  });

  test('a window the database refuses shows its words beside it, and the form says not everything was saved', async () => {
    const db = database({ timeZone: 'Europe/London', windows: [monday], daysOff: [] }, (table, op, values) =>
      table === 'reader_hours' && op === 'insert' && (values as { starts: string }).starts === '12:00'
        ? { data: null, error: { code: '23514', message: 'new row for relation "reader_hours" violates check constraint "reader_hours_ends_after_starts"' } }
        : undefined,
    );
    renderSection(db);
    const user = userEvent.setup();
    await screen.findByLabelText('Monday window 1 starts');

    await user.click(screen.getByRole('button', { name: 'Add a window on Wednesday' }));
    setTime('Wednesday window 1 starts', '12:00');
    setTime('Wednesday window 1 ends', '11:00');
    await user.click(screen.getByRole('button', { name: 'Save hours' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your hours were not all saved. Check the fields marked below.');
    const starts = screen.getByLabelText('Wednesday window 1 starts');
    expect(starts).toHaveAttribute('aria-invalid', 'true');
    expect(starts).toHaveAccessibleDescription(/^End the window after it starts\./);
    expect(screen.getByRole('status')).toHaveTextContent('');
  });

  test('a refused time zone shows beside the zone, and nothing else is written', async () => {
    const db = database({ timeZone: null, windows: [], daysOff: [] }, (table) =>
      table === 'reader_schedules'
        ? { data: null, error: { code: '23514', message: 'value for domain time_zone_name violates check constraint "reader_schedules_time_zone_known"' } }
        : undefined,
    );
    renderSection(db);
    const user = userEvent.setup();
    const zone = await screen.findByRole('combobox', { name: 'Time zone' });

    await user.clear(zone);
    await user.type(zone, 'EST');
    await user.click(screen.getByRole('button', { name: 'Add a window on Friday' }));
    setTime('Friday window 1 starts', '09:00');
    setTime('Friday window 1 ends', '17:00');
    await user.click(screen.getByRole('button', { name: 'Save hours' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your hours were not all saved.');
    expect(zone).toHaveAccessibleDescription(/Choose a time zone from the list, written as a place such as Europe\/London\./);
    expect(db.writes).toEqual(['reader_schedules upsert']);
  });

  test('a window without both times is not sent, and says what is missing', async () => {
    const db = database({ timeZone: 'Europe/London', windows: [], daysOff: [] });
    renderSection(db);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add a window on Sunday' }));
    setTime('Sunday window 1 starts', '10:00');
    await user.click(screen.getByRole('button', { name: 'Save hours' }));

    expect(screen.getByLabelText('Sunday window 1 ends')).toHaveAccessibleDescription('Enter both a start and an end time.');
    expect(db.writes).toEqual([]);
  });
});
