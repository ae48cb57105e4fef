import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toCount, toInstant } from '@/lib/numeric';
import type { OpsPeriod } from '@/features/ops/utils/periods';

/** Status transitions of one cause in one chart bucket. */
export interface TransitionCount {
  at: number;
  /** heartbeat, sign_out, inactivity, cleanup, reader_choice, auto_away, expiry */
  cause: string;
  transitions: number;
}

interface TransitionRow {
  bucket_start: string;
  cause: string;
  transitions: unknown;
}

/** ops_transition_series(period), by bucket then cause; admins only. */
export async function fetchTransitionSeries(client: AppSupabaseClient, period: OpsPeriod): Promise<TransitionCount[]> {
  const answer: ApiAnswer<TransitionRow[]> = await client.rpc('ops_transition_series', { period });
  return (unwrap(answer) ?? []).flatMap((row) => {
    const at = toInstant(row.bucket_start);
    return at === null ? [] : [{ at, cause: row.cause, transitions: toCount(row.transitions) }];
  });
}
