import { Link, Navigate, useLocation } from 'react-router-dom';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { AuthPage } from '@/app/routes/auth-page';
import { queryClient } from '@/app/server-state';
import { updateProfile, type ProfileChanges } from '@/features/auth/api/profile';
import { ProfileForm } from '@/features/auth/components/profile-form';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { HoursSection } from '@/features/hours/components/hours-section';
import { readerKeys } from '@/features/readers/api/query-keys';
import { getSupabase } from '@/lib/supabase';

async function saveProfile(userId: string, changes: ProfileChanges) {
  const saved = await updateProfile(getSupabase(), userId, changes);
  useAuthStore.getState().setProfile(saved);
}

export function ProfileRoute() {
  const { status, user, profile, profileError, reloadProfile } = useAuthStore();
  const location = useLocation();

  if (status === 'signed-out') return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (status === 'loading' || (!profile && !profileError)) {
    return (
      <p role="status" className="text-mist-300">
        Loading your profile…
      </p>
    );
  }
  if (!profile || !user) {
    return (
      <StatusMessage tone="error" role="alert" action={<RetryButton onClick={() => void reloadProfile()} busy={false} />}>
        Your profile could not be loaded. {profileError}
      </StatusMessage>
    );
  }

  const intro = profile.is_reader ? (
    <>
      This is your card in the readers list.{' '}
      <Link to={`/readers/${profile.id}`} className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
        See it as clients do
      </Link>
      .
    </>
  ) : (
    'How readers see you.'
  );
  return (
    <AuthPage title="Your profile" intro={intro}>
      <ProfileForm key={profile.id} profile={profile} onSave={(changes) => saveProfile(user.id, changes)} />
      {profile.is_reader && (
        <div className="mt-8 border-t border-night-700 pt-6">
          {/* The reader's own card shows the next window the database computed from the new hours. */}
          <HoursSection client={getSupabase()} readerId={user.id} onSaved={() => void queryClient.invalidateQueries({ queryKey: readerKeys.all })} />
        </div>
      )}
    </AuthPage>
  );
}
