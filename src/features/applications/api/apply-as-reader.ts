import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { OwnApplication } from '@/features/applications/api/fetch-own-application';

/**
 * Applies to give readings, or applies again after a rejection; answers the new pending
 * application. Refused (22023, in words) while one is pending or once approved.
 */
export async function applyAsReader(client: AppSupabaseClient): Promise<OwnApplication> {
  // The function answers the whole row (a single object, not a set); the applicant reads their columns of it.
  const answer: ApiAnswer<OwnApplication> = await client.rpc('apply_as_reader');
  const { status, reason, submitted_at, decided_at } = unwrap(answer);
  return { status, reason, submitted_at, decided_at };
}
