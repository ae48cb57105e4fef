import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** The card an applicant filled in, as clients would see it once approved. */
export interface ApplicantCard {
  display_name: string;
  avatar_url: string | null;
  bio: string;
  specialties: string[];
}

export interface PendingApplication {
  applicant_id: string;
  submitted_at: string;
  applicant: ApplicantCard;
}

/** How many of the oldest pending applications the review page shows at once. */
export const PENDING_PAGE_SIZE = 50;

// Two foreign keys lead to users (the applicant and the deciding admin): the hint names the one.
// Admins may read every applicant's profile, so the embedded card is always there for them.
const PENDING_COLUMNS = 'applicant_id, submitted_at, applicant:users!reader_applications_applicant_id_fkey(display_name, avatar_url, bio, specialties)';

/** Pending applications, oldest first (the order of reader_applications_pending_idx); admins only, nobody else reads any. */
export async function fetchPendingApplications(client: AppSupabaseClient): Promise<PendingApplication[]> {
  return unwrap(
    await client
      .from('reader_applications')
      .select(PENDING_COLUMNS)
      .eq('status', 'pending')
      .order('submitted_at')
      .order('applicant_id')
      .limit(PENDING_PAGE_SIZE)
      .overrideTypes<PendingApplication[], { merge: false }>(),
  );
}
