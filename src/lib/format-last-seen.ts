const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * "12 minutes ago", "yesterday", "just now": how long before the server's "now" something
 * happened, measured on the server's clock so a browser whose clock is wrong still says the right
 * thing. A time slightly ahead of that clock reads as just now, never as the future.
 */
export function formatTimeAgo(at: string | Date, serverNow: Date): string {
  const elapsedMs = Math.max(0, serverNow.getTime() - new Date(at).getTime());
  for (const [unit, unitMs] of UNITS) {
    if (elapsedMs >= unitMs) return relative.format(-Math.floor(elapsedMs / unitMs), unit);
  }
  return 'just now';
}

/** "last seen 12 minutes ago" for an offline reader. */
export function formatLastSeen(lastSeenAt: string | Date | null, serverNow: Date): string {
  if (lastSeenAt === null) return 'not seen online yet';
  return `last seen ${formatTimeAgo(lastSeenAt, serverNow)}`;
}
