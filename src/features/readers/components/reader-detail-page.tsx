import { ArrowLeft, Video } from 'lucide-react';
import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { PresenceStatusLine } from '@/components/presence/presence-status';
import { useServerNow } from '@/hooks/use-server-now';
import { ApiError } from '@/lib/api-error';
import { UNAVAILABLE_BECAUSE } from '@/lib/presence-status';
import type { ReaderDetail } from '@/features/readers/api/fetch-reader-page';
import { LevelBadge } from '@/features/readers/components/level-badge';
import { LiveIndicator } from '@/features/readers/components/live-indicator';
import { NextWindowLine } from '@/features/readers/components/next-window-line';
import { ReaderAvatar } from '@/features/readers/components/reader-avatar';
import { VideoButton } from '@/features/readers/components/video-button';
import { Rating } from '@/features/readers/components/rating';
import type { ReaderUpdates } from '@/features/readers/hooks/use-live-reader-status';
import { useReader, type LoadReader } from '@/features/readers/hooks/use-reader';
import { formatPricePerMinute } from '@/features/readers/utils/format-reader';

interface ReaderDetailPageProps {
  readerId: string;
  loadReader: LoadReader;
  updates: ReaderUpdates;
  /** What the person looking can do with this reader (the favourite star, "Notify me when available"). */
  actions?: (reader: ReaderDetail) => ReactNode;
  /** Asks this reader for a video reading. */
  onVideo?: (reader: ReaderDetail) => void;
}

function BackLink() {
  return (
    <Link to="/readers" className="inline-flex items-center gap-1 rounded text-sm text-gold-400 hover:text-gold-300">
      <ArrowLeft aria-hidden="true" className="size-4" />
      All readers
    </Link>
  );
}

export function ReaderDetailPage({ readerId, loadReader, updates, actions, onVideo }: ReaderDetailPageProps) {
  const { data: snapshot, error, isLoading, isRefreshing, refresh, isLive } = useReader(readerId, loadReader, updates);
  const { hash } = useLocation();
  const readerShown = Boolean(snapshot?.reader);
  const serverNow = useServerNow(snapshot?.serverTime);
  // The page renders after its data arrives, too late for the browser's own jump to #video.
  useEffect(() => {
    if (readerShown && hash) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [readerShown, hash]);

  if (isLoading) {
    return (
      <div className="space-y-6">
        <BackLink />
        <p role="status" className="text-mist-300">
          Loading reader…
        </p>
      </div>
    );
  }

  if (!snapshot) {
    return (
      <div className="space-y-6">
        <BackLink />
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refresh} busy={isRefreshing} />}>
          This reader could not be loaded. {error instanceof ApiError ? error.message : 'Please try again.'}
        </StatusMessage>
      </div>
    );
  }

  const { reader } = snapshot;
  if (!reader || !serverNow) {
    return (
      <section aria-labelledby="reader-missing-heading" className="space-y-6">
        <title>Reader not found · Arcana Readers</title>
        <BackLink />
        <h1 id="reader-missing-heading" className="font-display text-3xl text-gold-300">
          Reader not found
        </h1>
        <p className="text-mist-300">There is no reader at this address. They may have left the marketplace.</p>
      </section>
    );
  }

  const name = reader.display_name;
  return (
    <article aria-labelledby="reader-heading" className="space-y-6">
      <title>{`${name} · Arcana Readers`}</title>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <BackLink />
        <LiveIndicator isLive={isLive} refreshIntervalMs={updates.refreshIntervalMs} />
      </div>
      {error !== null && (
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refresh} busy={isRefreshing} />}>
          This page could not be refreshed, so the status shown may be out of date. It will try again by itself.
        </StatusMessage>
      )}

      <div className="flex flex-col gap-6 rounded-xl border border-night-700 bg-night-900/80 p-6 sm:flex-row sm:items-center">
        <ReaderAvatar name={name} avatarUrl={reader.avatar_url} status={reader.status} size="lg" />
        <div className="space-y-2">
          <h1 id="reader-heading" className="font-display text-3xl text-gold-300 sm:text-4xl">
            {name}
          </h1>
          <PresenceStatusLine status={reader.status} message={reader.status_message} lastSeenAt={reader.last_seen_at} serverNow={serverNow} />
          <NextWindowLine reader={reader} serverNow={serverNow} />
          <div className="flex flex-wrap items-center gap-3 text-sm">
            {reader.readerLevel && <LevelBadge level={reader.readerLevel} />}
            <span className="inline-flex items-center gap-1">
              <Rating rating={reader.average_rating} reviewCount={reader.review_count} />
            </span>
          </div>
        </div>
        {actions && <div className="flex flex-col items-start gap-3 sm:ml-auto sm:items-end">{actions(reader)}</div>}
      </div>

      <div className="grid gap-6 md:grid-cols-3">
        <section aria-labelledby="about-heading" className="space-y-4 md:col-span-2">
          <h2 id="about-heading" className="font-display text-xl text-gold-300">
            About {name}
          </h2>
          <p className="whitespace-pre-line text-mist-100">{reader.bio || `${name} has not written an introduction yet.`}</p>
          {reader.specialties.length > 0 && (
            <>
              <h3 className="font-display text-lg text-gold-300">Specialties</h3>
              <ul className="flex flex-wrap gap-2">
                {reader.specialties.map((specialty) => (
                  <li key={specialty} className="rounded-full bg-night-800 px-3 py-1 text-sm text-mist-300">
                    {specialty}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section id="video" aria-labelledby="video-heading" className="h-fit space-y-3 rounded-xl border border-night-700 bg-night-900/80 p-5">
          <h2 id="video-heading" className="flex items-center gap-2 font-display text-xl text-gold-300">
            <Video aria-hidden="true" className="size-5" />
            Video reading
          </h2>
          {reader.readerLevel && (
            <p className="text-lg font-medium text-gold-300">
              {formatPricePerMinute(reader.readerLevel.base_price_per_minute)}
              <span className="text-sm font-normal text-mist-300"> · {reader.readerLevel.name} level</span>
            </p>
          )}
          <p className="text-sm text-mist-300">
            {reader.status === 'available'
              ? `${name} is available now for a video reading.`
              : `${name} ${UNAVAILABLE_BECAUSE[reader.status]}. Video readings open when they are available again; this page updates by itself.`}
          </p>
          {onVideo ? (
            <VideoButton readerId={reader.id} readerName={name} status={reader.status} onRequest={() => onVideo(reader)} className="w-full" />
          ) : (
            <Link
              to={`/sign-in?next=${encodeURIComponent(`/readers/${reader.id}`)}`}
              className="inline-block rounded text-sm text-gold-400 underline underline-offset-4 hover:text-gold-300"
            >
              Sign in to ask {name} for a video reading
            </Link>
          )}
        </section>
      </div>
    </article>
  );
}
