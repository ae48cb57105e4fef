import type { Reading } from '@/features/readings/api/readings-api';

/** The other participant's name, as `viewerId` sees the reading. */
export function counterpartName(reading: Reading, viewerId: string): string {
  return viewerId === reading.readerId ? reading.clientName : reading.readerName;
}

/** What became of a client's request, in words; null while it still rings or once it is live. */
export function requestOutcomeText(reading: Reading): string | null {
  switch (reading.state) {
    case 'declined':
      return `${reading.readerName} declined your request. No reading took place and nothing is charged.`;
    case 'expired':
      return `${reading.readerName} did not answer within a minute. No reading took place and nothing is charged.`;
    case 'cancelled':
      return 'You cancelled your request.';
    case 'ended':
      return 'The reading has ended.';
    default:
      return null;
  }
}

/** Why a reading ended, as `viewerId` reads it. */
export function endedBecauseText(reading: Reading, viewerId: string): string {
  const other = counterpartName(reading, viewerId);
  switch (reading.endReason) {
    case 'hung_up':
      return reading.endedBy === viewerId ? 'You hung up.' : `${other} hung up.`;
    case 'connection_lost':
      return reading.endedBy === viewerId ? `The connection to ${other} was lost.` : `${other} lost the connection to you.`;
    case 'abandoned':
      return 'One side stopped responding for two minutes, so the reading ended by itself.';
    default:
      return 'The reading has ended.';
  }
}
