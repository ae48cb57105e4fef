import { formatLastSeen } from '@/features/presence/utils/format-last-seen';

const DOT_COLOR = { online: 'bg-emerald-400', offline: 'bg-gray-400' };

/** A colored dot always paired with words, so the status never rests on color alone. */
export function PresenceDot({ isOnline, className = '' }: { isOnline: boolean; className?: string }) {
  return <span aria-hidden="true" className={`inline-block shrink-0 rounded-full ${DOT_COLOR[isOnline ? 'online' : 'offline']} ${className}`} />;
}

interface PresenceStatusProps {
  isOnline: boolean;
  lastSeenAt: string | null;
  /** The server's clock, for "last seen 12 minutes ago". */
  serverNow: Date;
}

export function PresenceStatus({ isOnline, lastSeenAt, serverNow }: PresenceStatusProps) {
  return (
    <p className="flex flex-wrap items-center gap-x-1.5 text-xs">
      <PresenceDot isOnline={isOnline} className="size-2" />
      <span className={isOnline ? 'font-medium text-emerald-300' : 'text-mist-300'}>{isOnline ? 'Online' : 'Offline'}</span>
      {!isOnline && <span className="text-mist-500">· {formatLastSeen(lastSeenAt, serverNow)}</span>}
    </p>
  );
}
