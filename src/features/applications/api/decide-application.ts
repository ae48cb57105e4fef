import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** An admin's decision: an approval, or a rejection with the reason the applicant will read. */
export type Decision = { applicantId: string; approve: true } | { applicantId: string; approve: false; reason: string };

export async function decideApplication(client: AppSupabaseClient, decision: Decision): Promise<void> {
  unwrap(
    await client.rpc('decide_reader_application', {
      applicant: decision.applicantId,
      approve: decision.approve,
      reason: decision.approve ? null : decision.reason,
    }),
  );
}
