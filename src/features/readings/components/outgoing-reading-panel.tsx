import { PhoneOutgoing, X } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '@/lib/api-error';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';
import { useFollowedReading } from '@/features/readings/hooks/use-reading-events';
import { useOutgoingRequestStore } from '@/features/readings/stores/outgoing-request-store';
import { formatMoney } from '@/features/readings/utils/reading-clock';
import { requestOutcomeText } from '@/features/readings/utils/reading-outcome';

const PANEL =
  'fixed bottom-4 left-1/2 z-40 w-96 max-w-[calc(100vw-2rem)] -translate-x-1/2 rounded-xl border bg-night-900 p-4 text-sm shadow-lg shadow-night-950/60';
const BUTTON = 'rounded-md border border-night-600 px-3 py-1.5 font-medium text-mist-100 hover:bg-night-800 disabled:opacity-60';

/**
 * A client's request from this browser: "Calling Luna…" with Cancel while it rings, what became of
 * it in words, and the reading room once the reader accepts. The live region announces each change.
 */
export function OutgoingReadingPanel() {
  const { api, events, userId } = useReadingsContext();
  const reading = useFollowedReading();
  const request = useOutgoingRequestStore();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const opened = useRef<string | null>(null);

  const asClient = reading && userId === reading.clientId ? reading : null;
  const roomPath = asClient ? `/readings/${asClient.id}` : null;
  useEffect(() => {
    // Into the room once, when this client's reading goes live; leaving it later is their choice.
    if (asClient?.state === 'live' && roomPath && opened.current !== asClient.id) {
      opened.current = asClient.id;
      if (pathname !== roomPath) void navigate(roomPath);
    }
  }, [asClient, roomPath, pathname, navigate]);

  let body: ReactNode = null;
  if (request.sending || request.error) {
    body = request.error ? (
      <Outcome text={request.error} onClose={request.finish} />
    ) : (
      <p className="flex items-center gap-2 text-mist-100">
        <PhoneOutgoing aria-hidden="true" className="size-4 text-gold-400" />
        Asking {request.readerName} for a video reading…
      </p>
    );
  } else if (asClient?.state === 'ringing') {
    const cancel = () => {
      setCancelling(true);
      setCancelError(null);
      api
        .cancel(asClient.id)
        .then(
          (answered) => events.adopt(answered),
          (error: unknown) => setCancelError(error instanceof ApiError ? error.message : 'The request could not be cancelled.'),
        )
        .finally(() => setCancelling(false));
    };
    body = (
      <div className="space-y-3">
        <p className="flex items-center gap-2 font-medium text-mist-100">
          <PhoneOutgoing aria-hidden="true" className="size-4 animate-pulse text-gold-400" />
          Calling {asClient.readerName}… ({formatMoney(asClient.pricePerMinute)}/min)
        </p>
        <p className="text-mist-300">They have a minute to answer. Your camera and microphone are asked for once they accept.</p>
        {cancelError && <p className="text-rose-200">{cancelError}</p>}
        <button type="button" onClick={cancel} disabled={cancelling} className={BUTTON}>
          Cancel request
        </button>
      </div>
    );
  } else if (asClient && asClient.state !== 'live' && asClient.state !== 'ended') {
    body = <Outcome text={requestOutcomeText(asClient) ?? ''} onClose={() => events.dismiss(asClient.id)} />;
  }

  // The live region is always there, so screen readers announce what is added to it.
  return (
    <section aria-live="polite" aria-label="Your reading request">
      {body && (
        <div role="status" data-testid="outgoing-reading" className={`${PANEL} border-gold-500/40`}>
          {body}
        </div>
      )}
    </section>
  );
}

function Outcome({ text, onClose }: { text: string; onClose: () => void }) {
  return (
    <div className="flex items-start gap-3">
      <p className="flex-1 text-mist-100">{text}</p>
      <button type="button" onClick={onClose} aria-label="Close" className="shrink-0 rounded p-0.5 text-mist-300 hover:text-gold-300">
        <X aria-hidden="true" className="size-4" />
      </button>
    </div>
  );
}
