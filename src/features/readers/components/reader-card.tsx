import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { PresenceStatusLine } from '@/components/presence/presence-status';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { LevelBadge } from '@/features/readers/components/level-badge';
import { NextWindowLine } from '@/features/readers/components/next-window-line';
import { ReaderAvatar } from '@/features/readers/components/reader-avatar';
import { VideoButton } from '@/features/readers/components/video-button';
import { Rating } from '@/features/readers/components/rating';
import { formatPricePerMinute } from '@/features/readers/utils/format-reader';

interface ReaderCardProps {
  reader: Reader;
  /** The server's clock now, for "last seen" text; the caller keeps it ticking. */
  serverNow: Date;
  /** Shown beside the name, for the person looking (the favourite star). */
  actions?: ReactNode;
  /** Asks for a video reading with this reader. */
  onVideo?: () => void;
}

export function ReaderCard({ reader, serverNow, actions, onVideo }: ReaderCardProps) {
  const headingId = `reader-${reader.id}-name`;
  return (
    <article
      aria-labelledby={headingId}
      className="flex h-full flex-col gap-4 rounded-xl border border-night-700 bg-night-900/80 p-5 shadow-lg shadow-night-950/60 transition-colors hover:border-gold-500/50"
    >
      <div className="flex items-start gap-4">
        <ReaderAvatar name={reader.display_name} avatarUrl={reader.avatar_url} status={reader.status} />
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="truncate font-display text-lg text-gold-300">
            <Link to={`/readers/${reader.id}`} className="rounded hover:underline hover:underline-offset-4">
              {reader.display_name}
            </Link>
          </h2>
          <PresenceStatusLine status={reader.status} message={reader.status_message} lastSeenAt={reader.last_seen_at} serverNow={serverNow} />
          <NextWindowLine reader={reader} serverNow={serverNow} />
          {reader.readerLevel && (
            <div className="mt-2">
              <LevelBadge level={reader.readerLevel} />
            </div>
          )}
        </div>
        {actions}
      </div>

      {reader.specialties.length > 0 && (
        <ul aria-label="Specialties" className="flex flex-wrap gap-1.5">
          {reader.specialties.map((specialty) => (
            <li key={specialty} className="rounded-full bg-night-800 px-2 py-0.5 text-xs text-mist-300">
              {specialty}
            </li>
          ))}
        </ul>
      )}

      <div className="mt-auto flex items-end justify-between gap-3 border-t border-night-700 pt-4">
        <dl className="text-sm">
          <div className="flex items-center gap-1">
            <dt className="sr-only">Rating</dt>
            <dd className="flex items-center gap-1">
              <Rating rating={reader.average_rating} reviewCount={reader.review_count} />
            </dd>
          </div>
          {reader.readerLevel && (
            <div className="mt-1 flex gap-1">
              <dt className="sr-only">Price</dt>
              <dd className="font-medium text-gold-300">{formatPricePerMinute(reader.readerLevel.base_price_per_minute)}</dd>
            </div>
          )}
        </dl>
        <VideoButton readerId={reader.id} readerName={reader.display_name} status={reader.status} onRequest={onVideo} />
      </div>
    </article>
  );
}

export function ReaderCardSkeleton() {
  return (
    <div aria-hidden="true" className="flex h-full animate-pulse flex-col gap-4 rounded-xl border border-night-700 bg-night-900/60 p-5">
      <div className="flex items-start gap-4">
        <div className="size-16 rounded-full bg-night-700" />
        <div className="flex-1 space-y-2">
          <div className="h-5 w-2/3 rounded bg-night-700" />
          <div className="h-3 w-1/3 rounded bg-night-800" />
          <div className="h-4 w-1/4 rounded-full bg-night-800" />
        </div>
      </div>
      <div className="h-4 w-3/4 rounded bg-night-800" />
      <div className="mt-auto flex justify-between border-t border-night-700 pt-4">
        <div className="h-8 w-20 rounded bg-night-800" />
        <div className="h-9 w-20 rounded-md bg-night-700" />
      </div>
    </div>
  );
}
