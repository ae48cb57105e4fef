import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { OpsPeriod } from '@/features/ops/utils/periods';

export interface PresenceAlert {
  id: string;
  rule: string;
  /** The rule in words. */
  description: string;
  /** The figures that fired it. */
  detail: string;
  firedAt: string;
  /** Null while the alert is active. */
  clearedAt: string | null;
}

interface PresenceAlertRow {
  id: number | string;
  rule: string;
  description: string;
  detail: string;
  fired_at: string;
  cleared_at: string | null;
}

/** ops_presence_alerts(period): the alerts active now and those fired in the period, newest first; admins only. */
export async function fetchPresenceAlerts(client: AppSupabaseClient, period: OpsPeriod): Promise<PresenceAlert[]> {
  const answer: ApiAnswer<PresenceAlertRow[]> = await client.rpc('ops_presence_alerts', { period });
  return (unwrap(answer) ?? []).map((row) => ({
    id: String(row.id),
    rule: row.rule,
    description: row.description,
    detail: row.detail,
    firedAt: row.fired_at,
    clearedAt: row.cleared_at,
  }));
}
