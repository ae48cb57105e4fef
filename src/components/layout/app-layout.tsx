import { Moon } from 'lucide-react';
import { NavLink, Outlet } from 'react-router-dom';

export function AppLayout() {
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:rounded focus:bg-gold-400 focus:px-3 focus:py-2 focus:text-night-950">
        Skip to main content
      </a>
      <header className="border-b border-night-700 bg-night-900/80">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-4">
          <NavLink to="/" className="flex items-center gap-2 font-display text-xl text-gold-300">
            <Moon aria-hidden="true" className="h-6 w-6" />
            Arcana Readers
          </NavLink>
          <nav aria-label="Main">
            <NavLink
              to="/readers"
              className={({ isActive }) => `rounded px-3 py-2 text-sm ${isActive ? 'bg-night-700 text-gold-300' : 'text-slate-300 hover:text-gold-300'}`}
            >
              Readers
            </NavLink>
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
        <Outlet />
      </main>
    </div>
  );
}
