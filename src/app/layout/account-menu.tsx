import { LogOut, UserRound } from 'lucide-react';
import { useState } from 'react';
import { Link, NavLink, useNavigate } from 'react-router-dom';
import { chooseStatus, signOut, usePresenceState } from '@/app/presence';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { authErrorMessage } from '@/features/auth/utils/auth-error-message';
import { OwnStatus } from '@/features/presence/components/own-status';

export function navLinkClassName({ isActive }: { isActive: boolean }): string {
  const state = isActive ? 'bg-night-700 text-gold-300' : 'text-mist-300 hover:bg-night-800 hover:text-gold-300';
  return `rounded-md px-3 py-2 text-sm font-medium transition-colors ${state}`;
}

export function AccountMenu() {
  const { status, user, profile } = useAuthStore();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (status === 'loading') {
    return (
      <li aria-hidden="true" className="px-3 text-sm text-mist-500">
        …
      </li>
    );
  }

  if (status === 'signed-out') {
    return (
      <>
        <li>
          <NavLink to="/sign-in" className={navLinkClassName}>
            Sign in
          </NavLink>
        </li>
        <li>
          <Link to="/sign-up" className="rounded-md bg-gold-400 px-3 py-2 text-sm font-medium text-night-950 hover:bg-gold-300">
            Sign up
          </Link>
        </li>
      </>
    );
  }

  async function handleSignOut() {
    setBusy(true);
    setError(null);
    try {
      await signOut();
      void navigate('/readers');
    } catch (failure) {
      setError(`Sign-out failed. ${authErrorMessage(failure)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <li>
        <NavLink to="/profile" aria-label={`${profile?.display_name ?? user?.email} (your profile)`} className={navLinkClassName}>
          <span className="flex items-center gap-1.5">
            <UserRound aria-hidden="true" className="size-4" />
            <span className="max-w-40 truncate">{profile?.display_name ?? user?.email}</span>
          </span>
        </NavLink>
      </li>
      <li className="flex flex-col items-end">
        <button
          type="button"
          onClick={() => void handleSignOut()}
          disabled={busy}
          className="flex items-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium text-mist-300 hover:bg-night-800 hover:text-gold-300 disabled:opacity-60"
        >
          <LogOut aria-hidden="true" className="size-4" />
          {busy ? 'Signing out…' : 'Sign out'}
        </button>
        {error && (
          <p role="alert" className="max-w-60 text-right text-xs text-rose-300">
            {error}
          </p>
        )}
      </li>
      <li className="w-full sm:w-auto">
        <ReaderOwnStatus />
      </li>
    </>
  );
}

/** A signed-in reader's own status and its chooser; nothing for anyone else. */
function ReaderOwnStatus() {
  const state = usePresenceState();
  return <OwnStatus state={state} onChoose={chooseStatus} />;
}
