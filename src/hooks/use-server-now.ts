import { useEffect, useState } from 'react';
import { serverNow, type ServerTime } from '@/lib/server-time';

const TICK_MS = 30_000;

/**
 * The server's "now", ticking every half minute: keeps "last seen 12 minutes ago" true between
 * refreshes. Undefined until an answer has told the server's time.
 */
export function useServerNow(time: ServerTime | undefined, tickMs = TICK_MS): Date | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return time && serverNow(time, Math.max(now, time.receivedAt));
}
