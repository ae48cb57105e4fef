import type { PresenceStatus } from '@/lib/presence-status';

/** The choices a reader has, in the order the header offers them. */
export const STATUS_CHOICES: { status: PresenceStatus; label: string; hint: string }[] = [
  { status: 'available', label: 'Available', hint: 'Taking readings' },
  { status: 'busy', label: 'Busy', hint: 'In a reading; ends by itself after 2 hours' },
  { status: 'away', label: 'Away', hint: 'Back soon' },
  { status: 'offline', label: 'Appear offline', hint: 'Everyone else sees you offline' },
];

/** How long a choice lasts; 0 means until the reader changes it (busy still ends after 2 hours). */
export const CHOICE_DURATIONS: { minutes: number; label: string }[] = [
  { minutes: 0, label: 'Until I change it' },
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 120, label: '2 hours' },
  { minutes: 240, label: '4 hours' },
  { minutes: 480, label: '8 hours' },
];

/** The end time to send, on the server's clock, or null for none. */
export function choiceExpiresAt(minutes: number, serverNow: Date): string | null {
  return minutes > 0 ? new Date(serverNow.getTime() + minutes * 60_000).toISOString() : null;
}

/** "for 1 h 20 min more": what is left of a choice, on the server's clock. */
export function formatTimeLeft(expiresAt: string, serverNow: Date): string {
  const minutes = Math.max(1, Math.ceil((new Date(expiresAt).getTime() - serverNow.getTime()) / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `for ${rest} min more`;
  return rest === 0 ? `for ${hours} h more` : `for ${hours} h ${rest} min more`;
}
