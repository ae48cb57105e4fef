import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router-dom';
import { act } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { routes } from '@/app/router';
import { RouteError } from '@/app/routes/route-error';
import { queryClient } from '@/app/server-state';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import type { OwnApplication } from '@/features/applications/api/fetch-own-application';
import type { ReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { getSupabase } from '@/lib/supabase';
import { fakeSupabase } from '@/testing/fake-supabase';

// The pages' data comes from the stack; these tests are about routing and the frame around pages,
// and about what the routes make of an answer.
const data = vi.hoisted((): { readers: unknown[]; reader: unknown; summary: ReaderDirectorySummary; application: OwnApplication | null } => ({
  readers: [],
  reader: null,
  summary: { readers: 0, available: 0, busy: 0, away: 0 },
  application: null,
}));
vi.mock('@/features/readers/api/fetch-reader-page', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/features/readers/api/fetch-reader-page')>()),
  fetchReaderPage: () => Promise.resolve(data.readers),
}));
vi.mock('@/features/readers/api/fetch-reader-directory-summary', () => ({
  fetchReaderDirectorySummary: () => Promise.resolve(data.summary),
}));
vi.mock('@/features/readers/api/fetch-reader', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/features/readers/api/fetch-reader')>()),
  fetchReader: () => Promise.resolve(data.reader),
}));
vi.mock('@/features/applications/api/fetch-own-application', () => ({
  fetchOwnApplication: () => Promise.resolve(data.application),
}));
// The pages open the live channel: on a fake one here, so no test reaches for a socket.
vi.mock('@/lib/supabase', async (importOriginal) => {
  const { getSupabase } = await importOriginal<typeof import('@/lib/supabase')>();
  const { fakeRealtime } = await import('@/testing/fake-realtime');
  const realtime = fakeRealtime().client;
  return { getSupabase: () => Object.assign(getSupabase(), realtime) };
});

const offlineReader: Reader = {
  id: '11111111-1111-4111-8111-111111111111',
  display_name: 'Luna Starweaver',
  avatar_url: null,
  specialties: [],
  average_rating: 4.9,
  review_count: 3,
  status: 'offline',
  status_message: null,
  last_seen_at: '2026-11-25T11:48:00Z',
  server_time: '2026-11-25T12:00:00Z',
  next_window_starts_at: null,
  next_window_ends_at: null,
  readerLevel: null,
};

const initialAuthState = useAuthStore.getState();

function renderAt(path: string, routeObjects: RouteObject[] = routes) {
  const router = createMemoryRouter(routeObjects, { initialEntries: [path] });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

afterEach(() => {
  queryClient.clear();
  vi.restoreAllMocks();
  vi.useRealTimers();
  useAuthStore.setState(initialAuthState, true);
  data.readers = [];
  data.reader = null;
  data.summary = { readers: 0, available: 0, busy: 0, away: 0 };
  data.application = null;
});

function signedIn(isReader: boolean) {
  const profile = { id: 'luna', display_name: 'Luna Starweaver', avatar_url: null, bio: '', specialties: [], is_reader: isReader };
  act(() => useAuthStore.setState({ status: 'signed-in', user: { id: 'luna', email: 'luna@demo.test' }, profile }));
}

describe('app routes', () => {
  test('/readers shows the readers page inside the layout', () => {
    renderAt('/readers');

    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
    expect(screen.getByRole('banner')).toHaveTextContent('Arcana Readers');
    expect(screen.getByRole('main')).toContainElement(screen.getByRole('heading', { level: 1, name: 'Readers' }));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toContainElement(screen.getByRole('link', { name: 'Readers', current: 'page' }));
    expect(document.title).toBe('Readers · Arcana Readers');
  });

  test('the first Tab reaches a skip link to the main content', async () => {
    renderAt('/readers');
    const user = userEvent.setup();

    await user.tab();
    const skipLink = screen.getByRole('link', { name: 'Skip to main content' });
    expect(skipLink).toHaveFocus();
    expect(skipLink).toHaveAttribute('href', '#main');
    expect(screen.getByRole('main')).toHaveAttribute('id', 'main');
  });

  test('/ leads to the readers page', () => {
    const router = renderAt('/');

    expect(router.state.location.pathname).toBe('/readers');
    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
  });

  test('an unknown path shows a not-found page with a way back, keeping the navigation', async () => {
    const router = renderAt('/no-such-page');

    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('link', { name: 'Back to the readers' }));
    expect(router.state.location.pathname).toBe('/readers');
    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
  });

  test('a page that fails shows a friendly message', () => {
    // React reports the caught render error on the console; the test only cares about the page.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    function BrokenPage(): never {
      throw new Error('boom');
    }

    renderAt('/broken', [{ path: '/broken', element: <BrokenPage />, errorElement: <RouteError /> }]);

    expect(screen.getByRole('alert')).toHaveTextContent('Something went wrong');
    expect(screen.getByRole('link', { name: 'Back to the readers' })).toHaveAttribute('href', '/readers');
  });

  test('signed out, the header offers sign in and sign up', () => {
    act(() => useAuthStore.setState({ status: 'signed-out' }));
    renderAt('/readers');

    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toContainElement(screen.getByRole('link', { name: 'Sign in' }));
    expect(screen.getByRole('link', { name: 'Sign up' })).toHaveAttribute('href', '/sign-up');
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  test('signed in, the header links to the profile and offers sign out', () => {
    signedIn(false);
    renderAt('/readers');

    expect(screen.getByRole('link', { name: 'Luna Starweaver (your profile)' })).toHaveAttribute('href', '/profile');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Sign in' })).not.toBeInTheDocument();
  });

  test('admins get a link to the applications in the header', () => {
    signedIn(false);
    act(() => useAuthStore.setState({ isAdmin: true }));
    renderAt('/readers');
    expect(screen.getByRole('link', { name: 'Applications' })).toHaveAttribute('href', '/ops/applications');
  });

  test('nobody else gets that link', () => {
    signedIn(true);
    renderAt('/readers');
    expect(screen.queryByRole('link', { name: 'Applications' })).not.toBeInTheDocument();
  });

  test('admins get a link to the presence dashboard beside it, current only on /ops itself', () => {
    signedIn(false);
    act(() => useAuthStore.setState({ isAdmin: true }));
    renderAt('/ops/applications');

    expect(screen.getByRole('link', { name: 'Ops' })).toHaveAttribute('href', '/ops');
    expect(screen.getByRole('link', { name: 'Ops' })).not.toHaveAttribute('aria-current');
    expect(screen.getByRole('link', { name: 'Applications', current: 'page' })).toBeInTheDocument();
  });

  test('nobody else gets the Ops link', () => {
    signedIn(true);
    renderAt('/readers');
    expect(screen.queryByRole('link', { name: 'Ops' })).not.toBeInTheDocument();
  });

  test('someone who is not an admin finds at /ops that only admins can see it', () => {
    signedIn(true);
    renderAt('/ops');

    expect(screen.getByRole('heading', { level: 1, name: 'Presence dashboard' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Only admins can see this page.');
    expect(screen.getByRole('link', { name: 'Back to the readers' })).toHaveAttribute('href', '/readers');
    expect(document.title).toBe('Presence dashboard · Arcana Readers');
  });

  test('an admin at /ops gets the dashboard, loaded on demand', async () => {
    const { rpc } = fakeSupabase(
      () => ({ data: null, error: null }),
      () => ({ data: null, error: { message: 'Failed to fetch' }, status: 0 }),
    );
    vi.spyOn(getSupabase(), 'rpc').mockImplementation(rpc as never);
    signedIn(false);
    act(() => useAuthStore.setState({ isAdmin: true }));
    renderAt('/ops');

    expect(await screen.findByRole('group', { name: 'Period of the charts' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Presence dashboard' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ops', current: 'page' })).toHaveAttribute('href', '/ops');
    // The page asks for the figures once it has mounted, which a busy machine may take a moment to do.
    await waitFor(() => expect(rpc).toHaveBeenCalledWith('ops_presence_now'));
    // Any reader's statistics, looked up by name, at the end of the dashboard.
    expect(await screen.findByRole('heading', { level: 2, name: 'Reader statistics' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Reader' })).toBeInTheDocument();
  });

  test('the dashboard sends a signed-out visitor to sign in first', () => {
    act(() => useAuthStore.setState({ status: 'signed-out' }));
    const router = renderAt('/ops');
    expect(router.state.location.search).toBe('?next=%2Fops');
  });

  test('someone who is not an admin finds at the applications address that only admins review them', () => {
    signedIn(false);
    renderAt('/ops/applications');

    expect(screen.getByRole('heading', { level: 1, name: 'Reader applications' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Only admins can review reader applications.');
    expect(screen.getByRole('link', { name: 'Back to the readers' })).toHaveAttribute('href', '/readers');
  });

  test('the applications page sends a signed-out visitor to sign in first', () => {
    act(() => useAuthStore.setState({ status: 'signed-out' }));
    const router = renderAt('/ops/applications');
    expect(router.state.location.search).toBe('?next=%2Fops%2Fapplications');
  });

  test('the profile page sends a signed-out visitor to sign in, and back afterwards', () => {
    act(() => useAuthStore.setState({ status: 'signed-out' }));
    const router = renderAt('/profile');

    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toBe('?next=%2Fprofile');
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
  });

  test('a signed-in reader gets their card form on the profile page', () => {
    signedIn(true);
    renderAt('/profile');

    expect(screen.getByRole('heading', { level: 1, name: 'Your profile' })).toBeInTheDocument();
    expect(screen.getByLabelText('Display name')).toHaveValue('Luna Starweaver');
    expect(screen.getByLabelText('Specialties')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See it as clients do' })).toHaveAttribute('href', '/readers/luna');
  });

  test("a reader's profile shows their presence statistics, loaded on demand", async () => {
    const { rpc } = fakeSupabase(
      () => ({ data: null, error: null }),
      (fn) => (fn === 'reader_presence_stats' ? { data: [], error: null } : { data: null, error: { message: 'Failed to fetch' }, status: 0 }),
    );
    vi.spyOn(getSupabase(), 'rpc').mockImplementation(rpc as never);
    signedIn(true);
    renderAt('/profile');

    expect(await screen.findByRole('heading', { level: 2, name: 'Your presence' })).toBeInTheDocument();
    expect(await screen.findByText('No presence recorded in the last 30 days yet; statistics are computed daily.')).toBeInTheDocument();
    expect(rpc).toHaveBeenCalledWith('reader_presence_stats', { days: 30 });
  });

  test("an applicant's profile says the application is being reviewed, and their card form has specialties to complete", async () => {
    data.application = { status: 'pending', reason: null, submitted_at: '2026-11-25T10:00:00Z', decided_at: null };
    signedIn(false);
    renderAt('/profile');

    expect(await screen.findByRole('heading', { name: 'Your application to give readings is being reviewed.' })).toBeInTheDocument();
    expect(screen.getByText('Your reader card, as clients will see it once an admin approves it.')).toBeInTheDocument();
    expect(screen.getByLabelText('Specialties')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Your hours' })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Your presence' })).not.toBeInTheDocument();
  });

  test('a client who never applied may apply from the profile, and has no specialties until then', async () => {
    signedIn(false);
    renderAt('/profile');

    expect(await screen.findByRole('button', { name: 'Apply to give readings' })).toBeInTheDocument();
    expect(screen.getByText('How readers see you.')).toBeInTheDocument();
    expect(screen.queryByLabelText('Specialties')).not.toBeInTheDocument();
  });

  test('the sign-in page sends someone already signed in on to where they were going', () => {
    signedIn(false);
    const router = renderAt('/sign-in?next=/profile');
    expect(router.state.location.pathname).toBe('/profile');
  });

  test('a next address pointing to another site is ignored', () => {
    signedIn(false);
    const router = renderAt('/sign-in?next=//evil.example/x');
    expect(router.state.location.pathname).toBe('/readers');
  });

  test("a reader detail address shows that reader's page", () => {
    renderAt('/readers/not-a-reader');
    expect(screen.getByRole('link', { name: 'All readers' })).toHaveAttribute('href', '/readers');
  });

  test('the readers route reads "now" from the cards\' rows: a wrong browser clock changes no "last seen"', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
    data.readers = [offlineReader];
    data.summary = { readers: 1, available: 0, busy: 0, away: 0 };
    renderAt('/readers');

    const card = await screen.findByRole('article', { name: 'Luna Starweaver' });
    expect(card).toHaveTextContent('Offline· last seen 12 minutes ago');
    expect(screen.getByRole('status')).toHaveTextContent('1 reader · 0 available now');
  });

  test('the reader route reads "now" from the reader\'s own row', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    data.reader = { ...offlineReader, bio: '', last_seen_at: '2026-11-25T09:00:00Z', server_time: '2026-11-25T12:00:00Z' };
    renderAt(`/readers/${offlineReader.id}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Luna Starweaver' })).toBeInTheDocument();
    expect(screen.getByText('· last seen 3 hours ago')).toBeInTheDocument();
  });
});
