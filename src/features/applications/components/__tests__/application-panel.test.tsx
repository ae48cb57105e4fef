import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { OwnApplication } from '@/features/applications/api/fetch-own-application';
import { ApplicationPanel } from '@/features/applications/components/application-panel';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase, type FakeResult } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const ME = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const pending: OwnApplication = { status: 'pending', reason: null, submitted_at: '2026-11-25T10:00:00Z', decided_at: null };
const rejected: OwnApplication = {
  status: 'rejected',
  reason: 'Add a photo, please.',
  submitted_at: '2026-11-20T10:00:00Z',
  decided_at: '2026-11-21T10:00:00Z',
};

/** The applicant's row as the database holds it; apply_as_reader answers `applyAnswer` and, when it succeeds, makes it pending. */
function database(stored: { application: OwnApplication | null }, applyAnswer?: FakeResult) {
  return fakeSupabase(
    () => ({ data: stored.application, error: null }),
    () => {
      if (applyAnswer) return applyAnswer;
      stored.application = pending;
      // The function answers the whole row, the admin's columns too.
      return { data: { applicant_id: ME, decided_by: null, ...pending }, error: null };
    },
  );
}

function renderPanel({ client }: { client: AppSupabaseClient }) {
  render(
    <WithQueryClient client={createQueryClient()}>
      <ApplicationPanel client={client} applicantId={ME} />
    </WithQueryClient>,
  );
}

describe('ApplicationPanel', () => {
  test('pending: says it is being reviewed, and offers nothing to press', async () => {
    const supabase = database({ application: pending });
    renderPanel(supabase);

    expect(await screen.findByRole('heading', { name: 'Your application to give readings is being reviewed.' })).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    // Admins read every application: the read names the applicant.
    expect(supabase.queries[0]).toMatchObject({ table: 'reader_applications', calls: expect.arrayContaining([['eq', ['applicant_id', ME]]]) as unknown });
  });

  test("rejected: shows the admin's reason; Apply again applies and the panel says it is pending", async () => {
    const supabase = database({ application: rejected });
    renderPanel(supabase);

    await screen.findByRole('heading', { name: 'Your application to give readings was not accepted.' });
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('Reason from the admin: Add a photo, please.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Apply again' }));

    expect(await screen.findByRole('heading', { name: 'Your application to give readings is being reviewed.' })).toBeInTheDocument();
    expect(supabase.rpc).toHaveBeenCalledWith('apply_as_reader');
    expect(screen.queryByText(/Add a photo/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Apply again' })).not.toBeInTheDocument();
  });

  test('never applied: offers to apply', async () => {
    const supabase = database({ application: null });
    renderPanel(supabase);

    await userEvent.setup().click(await screen.findByRole('button', { name: 'Apply to give readings' }));
    expect(await screen.findByRole('heading', { name: 'Your application to give readings is being reviewed.' })).toBeInTheDocument();
  });

  test('a refused application says why in words, and the panel then shows the application as it is', async () => {
    const stored = { application: rejected as OwnApplication | null };
    const supabase = database(stored, { data: null, error: { code: '22023', message: 'your application is already pending' } });
    renderPanel(supabase);
    await screen.findByRole('button', { name: 'Apply again' });
    // Another tab applied meanwhile.
    stored.application = pending;

    await userEvent.setup().click(screen.getByRole('button', { name: 'Apply again' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('You did not apply. Your application is already pending.');
    expect(await screen.findByRole('heading', { name: 'Your application to give readings is being reviewed.' })).toBeInTheDocument();
  });

  test('an application that cannot be read offers to try again', async () => {
    let fail = true;
    const supabase = fakeSupabase(() => (fail ? { data: null, error: { message: 'TypeError: Failed to fetch' }, status: 0 } : { data: pending, error: null }));
    renderPanel(supabase);

    expect(await screen.findByRole('alert')).toHaveTextContent('Your application to give readings could not be loaded. The server cannot be reached.');
    fail = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Your application to give readings is being reviewed.' })).toBeInTheDocument();
  });
});
