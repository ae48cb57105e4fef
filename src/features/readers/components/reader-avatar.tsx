import { useState } from 'react';
import { StatusDot } from '@/components/presence/presence-status';
import { STATUS_WORDS, type PresenceStatus } from '@/lib/presence-status';
import { initialsOf } from '@/features/readers/utils/format-reader';

const SIZES = {
  md: { box: 'size-16 text-xl', dot: 'size-4 -right-0.5 -top-0.5' },
  lg: { box: 'size-28 text-4xl', dot: 'size-6 right-1 top-1' },
};

interface ReaderAvatarProps {
  name: string;
  avatarUrl: string | null;
  status: PresenceStatus;
  size?: keyof typeof SIZES;
}

/** Photo (or initials) with the presence dot; the dot is labelled so screen readers hear the status too. */
export function ReaderAvatar({ name, avatarUrl, status, size = 'md' }: ReaderAvatarProps) {
  // A broken photo link falls back to initials instead of a broken-image icon.
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const showPhoto = avatarUrl !== null && avatarUrl !== failedUrl;
  const { box, dot } = SIZES[size];
  return (
    <div className="relative w-fit shrink-0">
      {showPhoto ? (
        <img src={avatarUrl} alt="" onError={() => setFailedUrl(avatarUrl)} className={`${box} rounded-full border-2 border-gold-500/60 object-cover`} />
      ) : (
        <div
          aria-hidden="true"
          className={`${box} flex items-center justify-center rounded-full border-2 border-gold-500/60 bg-night-700 font-display text-gold-300`}
        >
          {initialsOf(name)}
        </div>
      )}
      <span role="img" aria-label={STATUS_WORDS[status]} className={`absolute ${dot} rounded-full border-2 border-night-900 bg-night-900`}>
        <StatusDot status={status} className="size-full" />
      </span>
    </div>
  );
}
