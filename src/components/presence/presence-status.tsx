import { formatLastSeen } from '@/lib/format-last-seen';
import { STATUS_WORDS, type PresenceStatus } from '@/lib/presence-status';

// Away is a ring, offline a gray dot: told apart by shape as well as colour, and always with words.
const DOT: Record<PresenceStatus, string> = {
  available: 'bg-emerald-400',
  busy: 'bg-amber-400',
  away: 'border-2 border-mist-300 bg-transparent',
  offline: 'bg-gray-400',
};

const WORDS: Record<PresenceStatus, string> = {
  available: 'font-medium text-emerald-300',
  busy: 'font-medium text-amber-300',
  away: 'text-mist-300',
  offline: 'text-mist-300',
};

export function StatusDot({ status, className = '' }: { status: PresenceStatus; className?: string }) {
  return <span aria-hidden="true" className={`inline-block shrink-0 rounded-full ${DOT[status]} ${className}`} />;
}

interface PresenceStatusLineProps {
  status: PresenceStatus;
  /** The reader's status message; the database sends none for an offline reader. */
  message?: string | null;
  lastSeenAt: string | null;
  /** The server's clock now, for "last seen 12 minutes ago". */
  serverNow: Date;
}

/** A reader's status as clients see it: dot, words, "last seen" when offline, and their message. */
export function PresenceStatusLine({ status, message, lastSeenAt, serverNow }: PresenceStatusLineProps) {
  return (
    <div className="text-xs">
      <p className="flex flex-wrap items-center gap-x-1.5">
        <StatusDot status={status} className="size-2" />
        <span className={WORDS[status]}>{STATUS_WORDS[status]}</span>
        {status === 'offline' && <span className="text-mist-500">· {formatLastSeen(lastSeenAt, serverNow)}</span>}
      </p>
      {message && <p className="mt-0.5 truncate text-mist-300 italic">“{message}”</p>}
    </div>
  );
}
