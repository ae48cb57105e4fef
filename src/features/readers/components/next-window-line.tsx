import { CalendarClock } from 'lucide-react';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { formatNextWindow } from '@/lib/format-next-window';

interface NextWindowLineProps {
  reader: Pick<Reader, 'status' | 'next_window_starts_at' | 'next_window_ends_at'>;
  /** The server's clock now (the caller keeps it ticking). */
  serverNow: Date;
}

/**
 * The reader's hours beside their status, for offline and away readers only: hours are a promise,
 * never the status, and a reader who is available or in a reading needs no promise.
 */
export function NextWindowLine({ reader, serverNow }: NextWindowLineProps) {
  if (reader.status !== 'offline' && reader.status !== 'away') return null;
  const text = formatNextWindow(reader.next_window_starts_at, reader.next_window_ends_at, serverNow);
  if (text === null) return null;
  return (
    <p data-testid="next-window" className="mt-1 flex items-center gap-1 text-sm text-mist-300">
      <CalendarClock aria-hidden="true" className="size-4 shrink-0 text-gold-400" />
      {text}
    </p>
  );
}
