import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError } from '@/lib/api-error';
import { serverNow, serverTimeFrom } from '@/lib/server-time';
import type { Reading } from '@/features/readings/api/readings-api';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';
import { useFollowedReading } from '@/features/readings/hooks/use-reading-events';
import { ReadingCall, type ReadingCallSnapshot } from '@/features/readings/services/reading-call';
import { acquireReadingMedia, MediaUnavailableError, type ReadingMedia } from '@/features/readings/services/reading-media';

/** How often each side tells the database it is still in the reading (the bound is two minutes). */
export const READING_HEARTBEAT_MS = 15_000;

export type RoomMedia =
  | { status: 'idle' | 'asking' }
  /** Another tab of this browser holds the call: two would keep resetting each other's connection. */
  | { status: 'elsewhere' }
  | { status: 'ready'; media: ReadingMedia }
  | { status: 'failed'; error: MediaUnavailableError };

const newer = (next: Reading, known: Reading | undefined) => !known || Date.parse(next.serverTime) >= Date.parse(known.serverTime);

/** The room's call for React: effects open and close it (twice under StrictMode), renders read its snapshot. */
class CallSlot {
  private call: ReadingCall | null = null;
  private unfollow = () => {};
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ReadingCallSnapshot | null => this.call?.getSnapshot() ?? null;

  setMuted(muted: boolean): void {
    this.call?.setMuted(muted);
  }

  setCameraOff(cameraOff: boolean): void {
    this.call?.setCameraOff(cameraOff);
  }

  hangUp(): void {
    void this.call?.hangUp();
  }

  open(call: ReadingCall): void {
    this.close();
    this.call = call;
    this.unfollow = call.subscribe(() => this.emit());
    call.start();
    this.emit();
  }

  close(): void {
    if (!this.call) return;
    this.unfollow();
    void this.call.close();
    this.call = null;
    this.emit();
  }

  private emit() {
    for (const listener of this.listeners) listener();
  }
}

/**
 * Holds this browser's lock on the reading while `hold` is pending; null when another tab has it.
 * Without the Web Locks API (old browsers, tests) every tab may join.
 */
function lockReading(readingId: string, hold: Promise<void>): Promise<boolean> {
  const locks = globalThis.navigator?.locks as LockManager | undefined;
  if (!locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    void locks.request(`reading:${readingId}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? hold : undefined;
    });
  });
}

/**
 * One reading room: the reading as the database says it (read at once, every 15 seconds, which
 * keeps it going, and when its cost so far grows; and as pushed), the camera and microphone, and
 * the call while the reading is live.
 * A call that cannot get its peer back within 30 seconds ends the reading as connection_lost.
 */
export function useReadingRoom(readingId: string) {
  const { api, events, userId, openSignalling } = useReadingsContext();
  const [reading, setReading] = useState<Reading>();
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [mediaOutcome, setMediaOutcome] = useState<{ attempt: number; media: RoomMedia }>();
  const [slot] = useState(() => new CallSlot());
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);

  const take = useCallback(
    (next: Reading) => {
      events.adopt(next);
      setReading((known) => (newer(next, known) ? next : known));
    },
    [events],
  );

  // Reads the reading again to show what the database says of it now; a failure waits for the next heartbeat.
  const reread = useCallback(() => void api.heartbeat(readingId).then(take, () => undefined), [api, readingId, take]);

  // The reading as pushed to this user.
  const followed = useFollowedReading();
  const pushed = followed?.id === readingId ? followed : undefined;
  const shown = pushed && newer(pushed, reading) ? pushed : reading;

  const live = shown?.state === 'live';
  useEffect(() => {
    let stopped = false;
    const beat = () =>
      api.heartbeat(readingId).then(
        (answered) => {
          if (stopped) return;
          setLoadError(null);
          take(answered);
        },
        (error: unknown) => {
          if (!stopped) setLoadError(error instanceof Error ? error : new Error(String(error)));
        },
      );
    void beat();
    if (!live) return () => void (stopped = true);
    const timer = setInterval(() => void beat(), READING_HEARTBEAT_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, readingId, live, take]);

  // The cost so far is the database's: once the minutes it covers have passed, ask for it again.
  // The server's now as estimated here trails the database's, so the answer always covers more.
  const chargedUntil = live ? shown.chargedUntil : null;
  const serverTime = shown?.serverTime;
  useEffect(() => {
    if (!chargedUntil || !serverTime) return;
    const due = Date.parse(chargedUntil) - serverNow(serverTimeFrom(serverTime)).getTime();
    const timer = setTimeout(reread, Math.max(0, due));
    return () => clearTimeout(timer);
  }, [reread, chargedUntil, serverTime]);

  // The camera and microphone, asked for once the reading is live and this tab holds it; given back when it is not.
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let release = () => {};
    let acquired: ReadingMedia | undefined;
    const settle = (media: RoomMedia) => {
      if (!stopped) setMediaOutcome({ attempt, media });
    };
    void lockReading(readingId, new Promise((resolve) => (release = resolve)))
      .then(async (held) => {
        if (!held) return settle({ status: 'elsewhere' });
        acquired = await acquireReadingMedia(globalThis.navigator?.mediaDevices);
        if (stopped) stopTracks(acquired);
        else settle({ status: 'ready', media: acquired });
      })
      .catch((error: unknown) =>
        settle({ status: 'failed', error: error instanceof MediaUnavailableError ? error : new MediaUnavailableError('unsupported') }),
      );
    return () => {
      stopped = true;
      if (acquired) stopTracks(acquired);
      release();
    };
  }, [live, attempt, readingId]);
  const media: RoomMedia = !live ? { status: 'idle' } : mediaOutcome?.attempt === attempt ? mediaOutcome.media : { status: 'asking' };

  // The call's STUN and TURN servers (TURN credentials of this user's own), asked for once it is
  // live. Without them the call still tries to connect directly, as it does on one network.
  const [iceServers, setIceServers] = useState<{ readingId: string; servers: RTCIceServer[] }>();
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    void api
      .iceServers(readingId)
      .catch((): RTCIceServer[] => [])
      .then((servers) => {
        if (!stopped) setIceServers({ readingId, servers });
      });
    return () => void (stopped = true);
  }, [api, live, readingId]);
  const servers = iceServers?.readingId === readingId ? iceServers.servers : undefined;

  const stream = media.status === 'ready' ? media.media.stream : undefined;
  const role = shown && userId === shown.readerId ? 'reader' : 'client';
  useEffect(() => {
    if (!stream || !servers) return;
    slot.open(new ReadingCall({ role, signalling: openSignalling(readingId), localStream: stream, iceServers: servers }));
    return () => slot.close();
  }, [slot, stream, role, readingId, openSignalling, servers]);
  const call = useSyncExternalStore(slot.subscribe, slot.getSnapshot);

  const end = useCallback(
    (reason: 'hung_up' | 'connection_lost') => {
      setEnding(true);
      setEndError(null);
      api.end(readingId, reason).then(
        (ended) => {
          take(ended);
          // The other side hears at once, rather than at the push of the reading's end.
          slot.hangUp();
        },
        (error: unknown) => {
          setEnding(false);
          setEndError(error instanceof ApiError ? error.message : 'The reading could not be ended. Please try again.');
        },
      );
    },
    [api, readingId, take, slot],
  );

  const phase = call?.phase;
  const lostHandled = useRef(false);
  useEffect(() => {
    // The peer did not come back in time: this side ends the reading in the database.
    if (phase === 'lost' && !lostHandled.current) {
      lostHandled.current = true;
      end('connection_lost');
    }
    // The peer hung up: the database has (or is about to have) the reading's end; read it.
    if (phase === 'hung-up') reread();
  }, [phase, end, reread]);

  const controls = useMemo(
    () => ({
      setMuted: (muted: boolean) => slot.setMuted(muted),
      setCameraOff: (off: boolean) => slot.setCameraOff(off),
      retryMedia: () => setAttempt((count) => count + 1),
      hangUp: () => end('hung_up'),
    }),
    [slot, end],
  );

  return { reading: shown, loadError, media, call, ending, endError, role, controls };
}

function stopTracks(media: ReadingMedia) {
  for (const track of media.stream.getTracks()) track.stop();
}
