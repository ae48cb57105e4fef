import { Video } from 'lucide-react';
import { Link } from 'react-router-dom';
import { UNAVAILABLE_BECAUSE, type PresenceStatus } from '@/lib/presence-status';

interface VideoButtonProps {
  readerId: string;
  readerName: string;
  status: PresenceStatus;
  /** Asks for the reading; without it the button leads to the reader's page. */
  onRequest?: () => void;
  className?: string;
}

/** Video readings only with readers who are available; otherwise a disabled button that says why. */
export function VideoButton({ readerId, readerName, status, onRequest, className = '' }: VideoButtonProps) {
  const base = `inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium ${className}`;
  if (status === 'available' && onRequest) {
    return (
      <button
        type="button"
        onClick={onRequest}
        aria-label={`Video reading with ${readerName}`}
        className={`${base} bg-gold-400 text-night-950 transition-colors hover:bg-gold-300`}
      >
        <Video aria-hidden="true" className="size-4" />
        Video
      </button>
    );
  }
  if (status === 'available') {
    return (
      <Link
        to={`/readers/${readerId}#video`}
        aria-label={`Video reading with ${readerName}`}
        className={`${base} bg-gold-400 text-night-950 transition-colors hover:bg-gold-300`}
      >
        <Video aria-hidden="true" className="size-4" />
        Video
      </Link>
    );
  }
  const reasonId = `video-unavailable-${readerId}`;
  return (
    <>
      <button
        type="button"
        disabled
        aria-label={`Video reading with ${readerName}`}
        aria-describedby={reasonId}
        className={`${base} cursor-not-allowed border border-night-600 bg-night-800 text-mist-500 opacity-70`}
      >
        <Video aria-hidden="true" className="size-4" />
        Video
      </button>
      <span id={reasonId} className="sr-only">
        Unavailable: {readerName} {UNAVAILABLE_BECAUSE[status]}
      </span>
    </>
  );
}
