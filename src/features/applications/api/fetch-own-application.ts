import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

/** The signed-in user's application to give readings, as they may read it. */
export interface OwnApplication {
  status: ApplicationStatus;
  /** The admin's words, required for a rejection. */
  reason: string | null;
  submitted_at: string;
  decided_at: string | null;
}

const OWN_APPLICATION_COLUMNS = 'status, reason, submitted_at, decided_at';

/** The user's application, or null for someone who never applied. */
export async function fetchOwnApplication(client: AppSupabaseClient, applicantId: string): Promise<OwnApplication | null> {
  // Filtered by applicant even though RLS already limits an applicant to their own: an admin reads them all.
  return unwrap(
    await client
      .from('reader_applications')
      .select(OWN_APPLICATION_COLUMNS)
      .eq('applicant_id', applicantId)
      .maybeSingle()
      .overrideTypes<OwnApplication | null, { merge: false }>(),
  );
}
