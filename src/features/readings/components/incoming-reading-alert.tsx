import { PhoneIncoming, Video, Volume2, VolumeX } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '@/lib/api-error';
import type { Reading } from '@/features/readings/api/readings-api';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';
import { useReadingServerNow } from '@/features/readings/hooks/use-reading-clock';
import { useFollowedReading } from '@/features/readings/hooks/use-reading-events';
import { ringSoundEnabled, setRingSoundEnabled, startRingTone } from '@/features/readings/services/ring-tone';
import { formatMoney } from '@/features/readings/utils/reading-clock';
import { counterpartName } from '@/features/readings/utils/reading-outcome';

const BUTTON = 'inline-flex items-center gap-1.5 rounded-md px-4 py-2 text-sm font-medium disabled:opacity-60';

/**
 * A reader's open tabs ring while a request waits for them (Accept / Decline, with how long is
 * left), silently unless they turned the sound on; once a reading is live, every tab away from the
 * room offers the way back to it.
 */
export function IncomingReadingAlert() {
  const { userId } = useReadingsContext();
  const reading = useFollowedReading();
  const { pathname } = useLocation();
  if (!reading || userId === undefined) return null;
  if (reading.state === 'ringing' && reading.readerId === userId) return <RingingRequest key={reading.id} reading={reading} />;
  if (reading.state === 'live' && pathname !== `/readings/${reading.id}`) {
    return (
      <div role="status" className="border-b border-amber-400/40 bg-amber-950/60 px-4 py-2 text-center text-sm text-amber-100">
        Your reading with {counterpartName(reading, userId)} is live.{' '}
        <Link to={`/readings/${reading.id}`} className="rounded font-medium text-gold-300 underline underline-offset-4">
          Return to the reading room
        </Link>
      </div>
    );
  }
  return null;
}

function RingingRequest({ reading }: { reading: Reading }) {
  const { api, events } = useReadingsContext();
  const navigate = useNavigate();
  const [sound, setSound] = useState(() => ringSoundEnabled());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = useReadingServerNow(reading);
  const secondsLeft = reading.expiresAt ? Math.max(0, Math.ceil((Date.parse(reading.expiresAt) - now) / 1_000)) : 0;

  useEffect(() => (sound ? startRingTone() : undefined), [sound]);

  const answer = (accept: boolean) => {
    setBusy(true);
    setError(null);
    api.answer(reading.id, accept).then(
      (answered) => {
        events.adopt(answered);
        if (answered.state === 'live') void navigate(`/readings/${answered.id}`);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure instanceof ApiError ? failure.message : 'Your answer could not be sent. Please try again.');
      },
    );
  };
  const toggleSound = () => {
    setRingSoundEnabled(!sound);
    setSound(!sound);
  };

  return (
    <div
      role="alertdialog"
      aria-labelledby={`ring-${reading.id}-title`}
      aria-describedby={`ring-${reading.id}-details`}
      data-testid="incoming-reading"
      className="fixed left-1/2 top-4 z-50 w-96 max-w-[calc(100vw-2rem)] -translate-x-1/2 space-y-3 rounded-xl border border-emerald-400/50 bg-night-900 p-4 shadow-xl shadow-night-950/70"
    >
      <p id={`ring-${reading.id}-title`} className="flex items-center gap-2 font-display text-lg text-gold-300">
        <PhoneIncoming aria-hidden="true" className="size-5 animate-pulse text-emerald-400" />
        {reading.clientName} asks for a video reading
      </p>
      <p id={`ring-${reading.id}-details`} className="text-sm text-mist-300">
        At {formatMoney(reading.pricePerMinute)} per minute. {secondsLeft > 0 ? `The request expires in ${secondsLeft} s.` : 'The request is expiring.'}
      </p>
      {error && <p className="text-sm text-rose-200">{error}</p>}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" onClick={() => answer(true)} disabled={busy} className={`${BUTTON} bg-emerald-500 text-night-950 hover:bg-emerald-400`}>
          <Video aria-hidden="true" className="size-4" />
          Accept
        </button>
        <button type="button" onClick={() => answer(false)} disabled={busy} className={`${BUTTON} border border-night-600 text-mist-100 hover:bg-night-800`}>
          Decline
        </button>
        <button
          type="button"
          onClick={toggleSound}
          aria-pressed={sound}
          className="ml-auto inline-flex items-center gap-1 rounded p-1 text-sm text-mist-300 hover:text-gold-300"
        >
          {sound ? <Volume2 aria-hidden="true" className="size-4" /> : <VolumeX aria-hidden="true" className="size-4" />}
          Ring aloud
        </button>
      </div>
    </div>
  );
}
