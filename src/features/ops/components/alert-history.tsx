import type { PresenceAlert } from '@/features/ops/api/fetch-presence-alerts';
import { ruleName } from '@/features/ops/utils/alerts';
import { formatClockTime } from '@/features/ops/utils/format-ops';
import { periodWords, type OpsPeriod } from '@/features/ops/utils/periods';

interface AlertHistoryProps {
  alerts: readonly PresenceAlert[];
  period: OpsPeriod;
  serverNow: Date | undefined;
  timeZone?: string;
}

/** Every alert fired in the period (and any still active), newest first, folded away until asked for. */
export function AlertHistory({ alerts, period, serverNow, timeZone }: AlertHistoryProps) {
  if (alerts.length === 0) return <p className="text-sm text-mist-300">No alert fired in {periodWords(period)}.</p>;
  return (
    <details className="rounded-lg border border-night-700 bg-night-900/60">
      <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-mist-100 hover:text-gold-300">
        {alerts.length === 1 ? '1 alert' : `${alerts.length} alerts`} in {periodWords(period)}
      </summary>
      <div role="region" aria-label="Alert history (table)" tabIndex={0} className="max-h-96 overflow-auto border-t border-night-700">
        <table className="w-full text-left text-sm">
          <caption className="px-4 pt-2 text-left text-xs text-mist-500">Alerts fired in {periodWords(period)}, newest first</caption>
          <thead className="text-mist-300">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Alert
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                What it found
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Fired
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Cleared
              </th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id} className="border-t border-night-800 align-top">
                <th scope="row" className="px-4 py-2 font-medium">
                  {ruleName(alert.rule)}
                </th>
                <td className="px-4 py-2 text-mist-300">{alert.detail}</td>
                <td className="px-4 py-2 whitespace-nowrap">{formatClockTime(alert.firedAt, serverNow, timeZone)}</td>
                <td className="px-4 py-2 whitespace-nowrap">
                  {alert.clearedAt === null ? <strong className="text-rose-300">Still active</strong> : formatClockTime(alert.clearedAt, serverNow, timeZone)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
