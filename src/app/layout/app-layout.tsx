import { Moon } from 'lucide-react';
import { Link, NavLink, Outlet } from 'react-router-dom';
import { WithFavourites } from '@/app/favourites';
import { AccountMenu, navLinkClassName } from '@/app/layout/account-menu';
import { useReaderApprovalFollow } from '@/app/reader-approval';
import { WithReadings } from '@/app/readings';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { AvailabilityToasts } from '@/features/favourites/components/availability-toasts';
import { NotificationsMenu } from '@/features/favourites/components/notifications-menu';
import { IncomingReadingAlert } from '@/features/readings/components/incoming-reading-alert';
import { OutgoingReadingPanel } from '@/features/readings/components/outgoing-reading-panel';

export function AppLayout() {
  return (
    <WithFavourites>
      <WithReadings>
        <LayoutFrame />
      </WithReadings>
    </WithFavourites>
  );
}

function LayoutFrame() {
  const signedIn = useAuthStore((state) => state.status === 'signed-in');
  // The claim only decides what to show: the database refuses non-admins whatever the header says.
  const isAdmin = useAuthStore((state) => state.status === 'signed-in' && state.isAdmin);
  useReaderApprovalFollow();
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-gold-400 focus:px-4 focus:py-2 focus:font-medium focus:text-night-950"
      >
        Skip to main content
      </a>
      <header className="relative z-30 border-b border-night-700 bg-night-900/80 backdrop-blur">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-4">
          <Link to="/readers" className="flex items-center gap-2 rounded font-display text-xl text-gold-300">
            <Moon aria-hidden="true" className="size-6 text-gold-400" />
            Arcana Readers
          </Link>
          <nav aria-label="Main">
            <ul className="flex flex-wrap items-center justify-end gap-1">
              <li>
                <NavLink to="/readers" className={navLinkClassName}>
                  Readers
                </NavLink>
              </li>
              {isAdmin && (
                <>
                  <li>
                    {/* end: /ops/applications is the next link's page, not this one's. */}
                    <NavLink to="/ops" end className={navLinkClassName}>
                      Ops
                    </NavLink>
                  </li>
                  <li>
                    <NavLink to="/ops/applications" className={navLinkClassName}>
                      Applications
                    </NavLink>
                  </li>
                </>
              )}
              {signedIn && (
                <li>
                  <NotificationsMenu />
                </li>
              )}
              <AccountMenu />
            </ul>
          </nav>
        </div>
      </header>
      <IncomingReadingAlert />
      {/* tabIndex -1 lets the skip link move keyboard focus into main, not just scroll to it. */}
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 focus:outline-none">
        <Outlet />
      </main>
      <AvailabilityToasts />
      <OutgoingReadingPanel />
    </div>
  );
}
