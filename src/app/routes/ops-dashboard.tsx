import { env } from '@/config/env';
import { OpsDashboardPage } from '@/features/ops/components/ops-dashboard-page';
import { ReaderStatsSection } from '@/features/presence-stats/components/reader-stats-section';
import { getSupabase } from '@/lib/supabase';

/** The presence dashboard with any reader's own statistics in it: loaded on demand with its charts (see ops.tsx). */
export function OpsDashboard({ adminId }: { adminId: string }) {
  return (
    <OpsDashboardPage
      client={getSupabase()}
      adminId={adminId}
      refreshIntervalMs={env.opsRefreshIntervalMs}
      readerStatistics={<ReaderStatsSection client={getSupabase()} adminId={adminId} />}
    />
  );
}
