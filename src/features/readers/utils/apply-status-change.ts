import type { Reader } from '@/features/readers/api/fetch-reader-page';
import type { ReaderStatusChange } from '@/features/readers/api/reader-status-broadcast';
import type { ReaderDirectory } from '@/features/readers/hooks/use-reader-directory';
import type { ReaderSnapshot } from '@/features/readers/hooks/use-reader';

/** The card with the change written in, or the same card when it is someone else's or already says so. */
export function withStatusChange<T extends Reader>(reader: T, change: ReaderStatusChange): T {
  if (reader.id !== change.readerId) return reader;
  const lastSeenAt = change.lastSeenAt === undefined ? reader.last_seen_at : change.lastSeenAt;
  if (reader.status === change.status && reader.status_message === change.message && reader.last_seen_at === lastSeenAt) return reader;
  return { ...reader, status: change.status, status_message: change.message, last_seen_at: lastSeenAt };
}

/** In place: the card keeps its position (the next read puts it in directory order); the same object when nothing changed. */
export function applyToDirectory(directory: ReaderDirectory, change: ReaderStatusChange): ReaderDirectory {
  const readers = directory.readers.map((reader) => withStatusChange(reader, change));
  return readers.some((reader, index) => reader !== directory.readers[index]) ? { ...directory, readers } : directory;
}

export function applyToSnapshot(snapshot: ReaderSnapshot, change: ReaderStatusChange): ReaderSnapshot {
  const reader = snapshot.reader && withStatusChange(snapshot.reader, change);
  return reader === snapshot.reader ? snapshot : { ...snapshot, reader };
}
