import { formatCount } from '@/lib/format-number';
import type { PresenceNow } from '@/features/ops/api/fetch-presence-now';
import { formatWhen } from '@/features/ops/utils/format-ops';

interface PresenceNowPanelProps {
  now: PresenceNow;
  serverNow: Date | undefined;
  timeZone?: string;
}

function Figure({ label, value, note }: { label: string; value: number; note?: string }) {
  return (
    <div className="rounded-lg border border-night-700 bg-night-900/60 px-4 py-3">
      <dt className="text-sm text-mist-300">{label}</dt>
      <dd className="mt-1 font-display text-2xl text-mist-100 tabular-nums">{formatCount(value)}</dd>
      {note && <dd className="text-xs text-mist-500">{note}</dd>}
    </div>
  );
}

/** Readers by status now, and the last full minute's heartbeats and failed updates. */
export function PresenceNowPanel({ now, serverNow, timeZone }: PresenceNowPanelProps) {
  const heartbeats = now.heartbeatsWritten + now.heartbeatsAbsorbed;
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Available" value={now.available} />
        <Figure label="Busy (in a reading)" value={now.busy} />
        <Figure label="Away" value={now.away} />
        <Figure label="Online but stale" value={now.onlineStale} note="recorded online, offline by the rule" />
        <Figure label="Offline" value={now.offline} />
        <Figure label="Readers" value={now.readers} note="listed in all" />
      </dl>
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Figure
          label="Heartbeats per minute"
          value={heartbeats}
          note={`${formatCount(now.heartbeatsWritten)} written, ${formatCount(now.heartbeatsAbsorbed)} absorbed`}
        />
        <Figure label="Failed presence updates per minute" value={now.failuresReported} note="reported by browsers after reconnecting" />
      </dl>
      <p className="text-xs text-mist-500">
        {now.minute === null
          ? 'No full minute of heartbeats was recorded yet: the minute job may not be running.'
          : `Heartbeats and failures in the minute from ${formatWhen(now.minute, serverNow, timeZone)}.`}
      </p>
    </div>
  );
}
