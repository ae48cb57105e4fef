import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { PendingApplication } from '@/features/applications/api/fetch-pending-applications';
import { ApplicationsReviewPage } from '@/features/applications/components/applications-review-page';
import { createQueryClient } from '@/lib/query-client';
import { fakeSupabase, type FakeResult } from '@/testing/fake-supabase';
import { WithQueryClient } from '@/testing/query-client';

const ADMIN = 'adadadad-adad-4ada-8ada-adadadadadad';
const morgan: PendingApplication = {
  applicant_id: 'morgan',
  submitted_at: '2026-11-20T10:00:00Z',
  applicant: { display_name: 'Morgan Applicant', avatar_url: null, bio: 'Tarot since 2010.', specialties: ['Love', 'Career'] },
};
const nova: PendingApplication = {
  applicant_id: 'nova',
  submitted_at: '2026-11-25T10:00:00Z',
  applicant: { display_name: 'Nova Quill', avatar_url: 'https://example.com/nova.jpg', bio: '', specialties: [] },
};

interface DecideArgs {
  applicant: string;
  approve: boolean;
  reason: string | null;
}

/** The queue as the database holds it; decide_reader_application answers `refuse(args)` or takes the decision. */
function database(queue: PendingApplication[], refuse: (args: DecideArgs) => FakeResult | undefined = () => undefined) {
  let pending = [...queue];
  const decisions: DecideArgs[] = [];
  const supabase = fakeSupabase(
    () => ({ data: pending, error: null }),
    (_fn, args) => {
      const decision = args as DecideArgs;
      const refusal = refuse(decision);
      if (refusal) return refusal;
      decisions.push(decision);
      pending = pending.filter((application) => application.applicant_id !== decision.applicant);
      return { data: {}, error: null };
    },
  );
  return { ...supabase, decisions };
}

function renderPage(db: ReturnType<typeof database>) {
  const onDecided = vi.fn();
  render(
    <WithQueryClient client={createQueryClient()}>
      <ApplicationsReviewPage client={db.client} adminId={ADMIN} onDecided={onDecided} />
    </WithQueryClient>,
  );
  return onDecided;
}

const card = (name: string) => screen.getByRole('article', { name });

describe('ApplicationsReviewPage', () => {
  test("lists the pending applications oldest first, each with the applicant's card", async () => {
    const db = database([morgan, nova]);
    renderPage(db);

    const list = await screen.findByRole('list', { name: 'Pending applications' });
    expect(
      within(list)
        .getAllByRole('heading')
        .map((heading) => heading.textContent),
    ).toEqual(['Morgan Applicant', 'Nova Quill']);
    expect(card('Morgan Applicant')).toHaveTextContent('Tarot since 2010.');
    expect(card('Morgan Applicant')).toHaveTextContent('Love, Career');
    expect(within(card('Morgan Applicant')).getByText('No photo')).toBeInTheDocument();
    expect(within(card('Nova Quill')).getByRole('img', { name: 'Photo of Nova Quill' })).toHaveAttribute('src', 'https://example.com/nova.jpg');
    expect(card('Nova Quill')).toHaveTextContent('No introduction yet.');
    const { calls } = db.queries[0]!;
    expect(calls).toContainEqual(['eq', ['status', 'pending']]);
    expect(calls.filter(([method]) => method === 'order')[0]).toEqual(['order', ['submitted_at']]);
    // Two foreign keys lead to users: the embedding names the applicant's.
    expect(calls[0]![1][0]).toContain('applicant:users!reader_applications_applicant_id_fkey(');
  });

  test('approving takes the application off the list at once, says so, and brings focus back to the heading', async () => {
    const db = database([morgan, nova]);
    const onDecided = renderPage(db);
    await screen.findByRole('list', { name: 'Pending applications' });

    await userEvent.setup().click(screen.getByRole('button', { name: 'Approve Morgan Applicant' }));

    expect(await screen.findByText('Morgan Applicant is approved: their card is in the readers list now.')).toHaveAttribute('role', 'status');
    expect(screen.queryByRole('article', { name: 'Morgan Applicant' })).not.toBeInTheDocument();
    expect(card('Nova Quill')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Reader applications' })).toHaveFocus();
    expect(db.decisions).toEqual([{ applicant: 'morgan', approve: true, reason: null }]);
    expect(onDecided).toHaveBeenCalledWith({ applicantId: 'morgan', approve: true });
  });

  test('rejecting asks for a reason in a labelled field, by keyboard, and sends it trimmed', async () => {
    const db = database([morgan]);
    renderPage(db);
    const user = userEvent.setup();
    const reject = await screen.findByRole('button', { name: 'Reject Morgan Applicant' });

    reject.focus();
    await user.keyboard('{Enter}');
    expect(reject).toHaveAttribute('aria-expanded', 'true');
    const reason = screen.getByRole('textbox', { name: 'Reason for rejecting' });
    expect(reason).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(within(card('Morgan Applicant')).getByRole('alert')).toHaveTextContent('Morgan Applicant was not rejected. Check the reason below.');
    expect(reason).toHaveAccessibleDescription(expect.stringContaining('Give the applicant a reason: they read it on their profile.'));
    expect(db.decisions).toEqual([]);

    await user.type(reason, '  Add a photo, please.  {Enter}');

    expect(await screen.findByText('Morgan Applicant is not accepted: they can read your reason on their profile.')).toBeInTheDocument();
    expect(db.decisions).toEqual([{ applicant: 'morgan', approve: false, reason: 'Add a photo, please.' }]);
    expect(screen.getByText('No applications are waiting.')).toBeInTheDocument();
  });

  test('Escape closes the reason form and puts focus back on Reject', async () => {
    renderPage(database([morgan]));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Reject Morgan Applicant' }));

    await user.keyboard('{Escape}');

    expect(screen.queryByRole('textbox', { name: 'Reason for rejecting' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reject Morgan Applicant' })).toHaveFocus();
  });

  test('a reason the database refuses marks the reason field, and the application stays', async () => {
    const db = database([morgan], () => ({
      data: null,
      error: { code: '23514', message: 'value for domain decision_reason violates check constraint "reader_applications_reason_plain"' },
    }));
    renderPage(db);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Reject Morgan Applicant' }));

    await user.type(screen.getByRole('textbox', { name: 'Reason for rejecting' }), 'Fine{Enter}');

    expect(await within(card('Morgan Applicant')).findByRole('alert')).toHaveTextContent('Morgan Applicant was not rejected. Check the reason below.');
    expect(screen.getByRole('textbox', { name: 'Reason for rejecting' })).toHaveAccessibleDescription(
      expect.stringContaining('Keep the reason to one line of at most 500 characters, without special characters.'),
    );
    expect(screen.getByRole('button', { name: 'Reject application' })).toBeEnabled();
  });

  test("an approval refused because another listed reader has the applicant's name says so in a sentence", async () => {
    const db = database([morgan], () => ({
      data: null,
      error: { code: '23505', message: 'another listed reader has this name: ask the applicant to choose another' },
      status: 409,
    }));
    renderPage(db);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Approve Morgan Applicant' }));

    expect(await within(card('Morgan Applicant')).findByRole('alert')).toHaveTextContent(
      'Another listed reader has this name: ask the applicant to choose another.',
    );
    expect(screen.getByRole('button', { name: 'Approve Morgan Applicant' })).toBeEnabled();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  test('an empty queue says so', async () => {
    renderPage(database([]));
    expect(await screen.findByText('No applications are waiting.')).toBeInTheDocument();
  });
});
