const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * "last seen 12 minutes ago" for an offline reader, measured on the server's clock so a browser
 * whose clock is wrong still says the right thing.
 */
export function formatLastSeen(lastSeenAt: string | Date | null, serverNow: Date): string {
  if (lastSeenAt === null) return 'not seen online yet';
  const elapsedMs = Math.max(0, serverNow.getTime() - new Date(lastSeenAt).getTime());
  for (const [unit, unitMs] of UNITS) {
    if (elapsedMs >= unitMs) return `last seen ${relative.format(-Math.floor(elapsedMs / unitMs), unit)}`;
  }
  return 'last seen just now';
}
