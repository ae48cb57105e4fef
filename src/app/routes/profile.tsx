import { lazy, Suspense } from 'react';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { AuthPage } from '@/app/routes/auth-page';
import { queryClient } from '@/app/server-state';
import { ApplicationPanel } from '@/features/applications/components/application-panel';
import { useOwnApplication } from '@/features/applications/hooks/use-own-application';
import { updateProfile, type Profile, type ProfileChanges } from '@/features/auth/api/profile';
import { ProfileForm } from '@/features/auth/components/profile-form';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { HoursSection } from '@/features/hours/components/hours-section';
import { readerKeys } from '@/features/readers/api/query-keys';
import { ReadingHistory } from '@/features/readings/components/reading-history';
import { getSupabase } from '@/lib/supabase';

// A reader's statistics come with a chart library: loaded only when a reader opens their profile, not in the main bundle.
const PresenceStatsPanel = lazy(() =>
  import('@/features/presence-stats/components/presence-stats-panel').then((module) => ({ default: module.PresenceStatsPanel })),
);

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
  return <ProfilePage profile={profile} />;
}

function ReaderIntro({ readerId }: { readerId: string }) {
  return (
    <>
      This is your card in the readers list.{' '}
      <Link to={`/readers/${readerId}`} className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
        See it as clients do
      </Link>
      .
    </>
  );
}

/**
 * A reader's card, hours and presence statistics; or a client's profile with their application to
 * give readings, whose card an applicant completes for the review. One tree for both, so an
 * approval arriving while the applicant types keeps what they typed.
 */
function ProfilePage({ profile }: { profile: Profile }) {
  const { application } = useOwnApplication(getSupabase(), profile.id, { enabled: !profile.is_reader });
  const applying = !profile.is_reader && (application?.status === 'pending' || application?.status === 'rejected');
  const intro = profile.is_reader ? (
    <ReaderIntro readerId={profile.id} />
  ) : applying ? (
    'Your reader card, as clients will see it once an admin approves it.'
  ) : (
    'How readers see you.'
  );
  return (
    <AuthPage title="Your profile" intro={intro}>
      {!profile.is_reader && (
        <div className="mb-6">
          <ApplicationPanel client={getSupabase()} applicantId={profile.id} />
        </div>
      )}
      <ProfileForm key={profile.id} profile={profile} readerCard={profile.is_reader || applying} onSave={(changes) => saveProfile(profile.id, changes)} />
      {profile.is_reader && (
        <div className="mt-8 border-t border-night-700 pt-6">
          {/* The reader's own card shows the next window the database computed from the new hours. */}
          <HoursSection client={getSupabase()} readerId={profile.id} onSaved={() => void queryClient.invalidateQueries({ queryKey: readerKeys.all })} />
        </div>
      )}
      <div className="mt-8 border-t border-night-700 pt-6">
        <ReadingHistory />
      </div>
      {profile.is_reader && (
        <div className="mt-8 border-t border-night-700 pt-6">
          <Suspense
            fallback={
              <p role="status" className="text-sm text-mist-300">
                Loading your presence statistics…
              </p>
            }
          >
            <PresenceStatsPanel client={getSupabase()} viewerId={profile.id} />
          </Suspense>
        </div>
      )}
    </AuthPage>
  );
}
