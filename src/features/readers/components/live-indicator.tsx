import { formatRefreshInterval } from '@/features/readers/utils/format-reader';

interface LiveIndicatorProps {
  isLive: boolean;
  /** The poll's interval while not live. */
  refreshIntervalMs: number;
}

/** Whether statuses on the page change as they happen or at the next refresh, in words. */
export function LiveIndicator({ isLive, refreshIntervalMs }: LiveIndicatorProps) {
  return (
    <p data-testid="live-state" className="flex items-center gap-1.5 text-xs text-mist-300">
      <span aria-hidden="true" className={`inline-block size-2 rounded-full ${isLive ? 'bg-emerald-400' : 'bg-gray-400'}`} />
      {isLive ? 'Live' : `Updating ${formatRefreshInterval(refreshIntervalMs)}`}
    </p>
  );
}
