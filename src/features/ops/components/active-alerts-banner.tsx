import { TriangleAlert } from 'lucide-react';
import type { PresenceAlert } from '@/features/ops/api/fetch-presence-alerts';
import { activeAlerts, ruleName } from '@/features/ops/utils/alerts';
import { formatWhen } from '@/features/ops/utils/format-ops';

interface ActiveAlertsBannerProps {
  /** Undefined while the alerts load. */
  alerts: readonly PresenceAlert[] | undefined;
  /** The server's "now", for "since 14:03 (12 minutes ago)". */
  serverNow: Date | undefined;
  timeZone?: string;
}

/** The alerts firing now, at the top of the page; each leaves by itself once the database clears it. */
export function ActiveAlertsBanner({ alerts, serverNow, timeZone }: ActiveAlertsBannerProps) {
  if (alerts === undefined) return null;
  const active = activeAlerts(alerts);
  if (active.length === 0) {
    return (
      <p role="status" className="rounded-lg border border-night-600 bg-night-900/80 px-4 py-3 text-sm text-mist-300">
        No alert is active.
      </p>
    );
  }
  return (
    <div role="alert" className="space-y-3 rounded-lg border-2 border-rose-400/70 bg-rose-950/60 px-4 py-3 text-rose-50">
      <p className="flex items-center gap-2 font-semibold">
        <TriangleAlert aria-hidden="true" className="size-5 shrink-0 text-rose-300" />
        {active.length === 1 ? '1 active alert' : `${active.length} active alerts`}
      </p>
      <ul className="space-y-2 text-sm">
        {active.map((alert) => (
          <li key={alert.id}>
            <span className="font-semibold">{ruleName(alert.rule)}</span>: {alert.description}. {alert.detail}.{' '}
            <span className="whitespace-nowrap">Since {formatWhen(alert.firedAt, serverNow, timeZone)}.</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
