import { useEffect } from 'react';
import { usePresenceState } from '@/app/presence';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import type { OwnPresence } from '@/features/presence/api/report-presence';
import type { ReaderStatusChange } from '@/features/readers/api/reader-status-broadcast';
import type { LiveReaderStatus } from '@/features/readers/services/live-reader-status';

/** A reader's card as others see it, from the database's answer to the reader: `status` is already the public one (offline while hidden). */
export function ownCardChange(readerId: string, own: OwnPresence): ReaderStatusChange {
  // reader_cards shows no message for an offline reader, whatever they wrote before hiding.
  return { readerId, status: own.status, message: own.status === 'offline' ? null : own.statusMessage };
}

/** The signed-in reader's own card says what their header says, as soon as the header does. */
export function useOwnCardSync(live: LiveReaderStatus): void {
  const { own } = usePresenceState();
  const readerId = useAuthStore((state) => state.user?.id);
  useEffect(() => {
    if (own && readerId) live.apply(ownCardChange(readerId, own));
  }, [live, own, readerId]);
}
