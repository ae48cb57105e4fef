import { Mic, MicOff, PhoneOff, Video, VideoOff } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { ApiError } from '@/lib/api-error';
import type { Reading } from '@/features/readings/api/readings-api';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';
import { useReadingServerNow } from '@/features/readings/hooks/use-reading-clock';
import { useReadingRoom } from '@/features/readings/hooks/use-reading-room';
import { mediaErrorText, mediaNoticeText } from '@/features/readings/services/reading-media';
import { formatMoney, formatReadingDuration } from '@/features/readings/utils/reading-clock';
import { counterpartName, endedBecauseText, requestOutcomeText } from '@/features/readings/utils/reading-outcome';

// Someone else's reading and none at all answer alike; so does an address that is no reading id.
const NO_SUCH_READING = new Set(['P0002', '22P02']);
const CONTROL = 'inline-flex items-center gap-1.5 rounded-md border px-3 py-2 text-sm font-medium disabled:opacity-60';

/** The room of one reading: both videos, the controls, the timer and running cost; its record once it ends. */
export function ReadingRoomPage({ readingId }: { readingId: string }) {
  const { userId } = useReadingsContext();
  const room = useReadingRoom(readingId);
  const { reading, loadError } = room;

  if (!reading) {
    return loadError ? (
      <StatusMessage tone="error" role="alert">
        {loadError instanceof ApiError && NO_SUCH_READING.has(loadError.code)
          ? 'There is no reading of yours at this address.'
          : `This reading could not be loaded. ${loadError.message}`}
      </StatusMessage>
    ) : (
      <p role="status" className="text-mist-300">
        Opening the reading room…
      </p>
    );
  }
  const other = counterpartName(reading, userId ?? '');
  return (
    <section aria-labelledby="reading-heading" className="space-y-6">
      <title>{`Reading with ${other} · Arcana Readers`}</title>
      <h1 id="reading-heading" className="font-display text-3xl text-gold-300">
        Video reading with {other}
      </h1>
      {reading.state === 'live' ? <LiveReading reading={reading} other={other} room={room} /> : <ReadingRecord reading={reading} viewerId={userId ?? ''} />}
    </section>
  );
}

function LiveReading({ reading, other, room }: { reading: Reading; other: string; room: ReturnType<typeof useReadingRoom> }) {
  const { media, call, controls, ending, endError } = room;
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const localStream = media.status === 'ready' ? media.media.stream : null;
  const hasVideo = media.status === 'ready' && media.media.hasVideo;
  const phase = call?.phase ?? 'connecting';

  return (
    <div className="space-y-4">
      <ReadingClock reading={reading} />
      <div aria-live="polite" className="space-y-2">
        {media.status === 'asking' && (
          <StatusMessage tone="info">Allow your camera and microphone when your browser asks, so {other} can see and hear you.</StatusMessage>
        )}
        {media.status === 'ready' && media.media.notice && <StatusMessage tone="info">{mediaNoticeText(media.media.notice)}</StatusMessage>}
        {media.status === 'elsewhere' && <StatusMessage tone="info">This reading is open in another tab of this browser: continue there.</StatusMessage>}
        {media.status === 'failed' && (
          <StatusMessage tone="error" role="alert" action={<RetryButton onClick={controls.retryMedia} busy={false} />}>
            {mediaErrorText(media.error.kind)}
          </StatusMessage>
        )}
        {phase === 'connecting' && media.status === 'ready' && <StatusMessage tone="info">Waiting for {other} to join…</StatusMessage>}
        {phase === 'reconnecting' && (
          <StatusMessage tone="error" role="alert">
            Reconnecting… The reading ends if {other} is not back within 30 seconds.
          </StatusMessage>
        )}
        {endError && (
          <StatusMessage tone="error" role="alert">
            {endError}
          </StatusMessage>
        )}
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        <figure className="relative overflow-hidden rounded-xl border border-night-700 bg-night-950 md:col-span-2">
          <StreamVideo stream={call?.remoteStream ?? null} label={`${other}'s video`} testId="remote-video" />
          <figcaption className="absolute bottom-2 left-2 rounded bg-night-950/80 px-2 py-0.5 text-xs text-mist-100">{other}</figcaption>
        </figure>
        <figure className="relative overflow-hidden rounded-xl border border-night-700 bg-night-950">
          <StreamVideo stream={localStream} label="Your video" testId="local-video" muted />
          <figcaption className="absolute bottom-2 left-2 rounded bg-night-950/80 px-2 py-0.5 text-xs text-mist-100">
            You{!hasVideo && media.status === 'ready' ? ' (audio only)' : cameraOff ? ' (camera off)' : ''}
          </figcaption>
        </figure>
      </div>
      <div role="group" aria-label="Call controls" className="flex flex-wrap gap-2">
        <button
          type="button"
          aria-pressed={muted}
          disabled={!localStream}
          onClick={() => {
            controls.setMuted(!muted);
            setMuted(!muted);
          }}
          className={`${CONTROL} border-night-600 text-mist-100 hover:bg-night-800`}
        >
          {muted ? <MicOff aria-hidden="true" className="size-4" /> : <Mic aria-hidden="true" className="size-4" />}
          Mute
        </button>
        <button
          type="button"
          aria-pressed={cameraOff}
          disabled={!hasVideo}
          onClick={() => {
            controls.setCameraOff(!cameraOff);
            setCameraOff(!cameraOff);
          }}
          className={`${CONTROL} border-night-600 text-mist-100 hover:bg-night-800`}
        >
          {cameraOff ? <VideoOff aria-hidden="true" className="size-4" /> : <Video aria-hidden="true" className="size-4" />}
          Camera off
        </button>
        <button type="button" onClick={controls.hangUp} disabled={ending} className={`${CONTROL} border-rose-500 bg-rose-600 text-white hover:bg-rose-500`}>
          <PhoneOff aria-hidden="true" className="size-4" />
          Hang up
        </button>
      </div>
    </div>
  );
}

/** The time since the reading started, on the server's clock, every second; its cost so far as the database last said. */
function ReadingClock({ reading }: { reading: Reading }) {
  const now = useReadingServerNow(reading);
  const seconds = Math.max(0, Math.floor((now - Date.parse(reading.startedAt ?? reading.serverTime)) / 1_000));
  return (
    <p className="flex flex-wrap gap-x-6 gap-y-1 text-lg text-mist-100">
      <span>
        <span className="sr-only">Time: </span>
        <span data-testid="reading-timer" className="font-mono">
          {formatReadingDuration(seconds)}
        </span>
      </span>
      <span>
        <span data-testid="reading-cost">{formatMoney(reading.amount ?? 0)}</span>
        <span className="text-sm text-mist-300"> so far at {formatMoney(reading.pricePerMinute)}/min</span>
      </span>
    </p>
  );
}

function StreamVideo({ stream, label, testId, muted = false }: { stream: MediaStream | null; label: string; testId: string; muted?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <video ref={ref} aria-label={label} data-testid={testId} autoPlay playsInline muted={muted} className="aspect-video w-full bg-night-950 object-cover" />
  );
}

/** A reading that is not live: how it ended and what it cost, or what became of the request. */
function ReadingRecord({ reading, viewerId }: { reading: Reading; viewerId: string }) {
  const ended = reading.state === 'ended';
  return (
    <div role="status" data-testid="reading-record" className="space-y-3 rounded-xl border border-night-700 bg-night-900/80 p-5 text-mist-100">
      <p className="font-medium">
        {ended
          ? `The reading has ended. ${endedBecauseText(reading, viewerId)}`
          : (requestOutcomeText(reading) ?? 'The request is still ringing: the room opens when it is answered.')}
      </p>
      {ended && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-mist-300">Duration</dt>
          <dd data-testid="reading-duration">{formatReadingDuration(reading.durationSeconds ?? 0)}</dd>
          <dt className="text-mist-300">Amount</dt>
          <dd data-testid="reading-amount">
            {formatMoney(reading.amount ?? 0)} <span className="text-mist-300">at {formatMoney(reading.pricePerMinute)} per started minute</span>
          </dd>
        </dl>
      )}
      <p className="flex flex-wrap gap-4 text-sm">
        <Link to="/profile#readings" className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
          Your readings
        </Link>
        <Link to="/readers" className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
          All readers
        </Link>
      </p>
    </div>
  );
}
