import { useSystemPermission } from '@/features/favourites/hooks/use-availability-notifications';

/** Lets the person allow system notifications (the browser asks only after this click), or says how they stand. */
export function SystemNotificationsControl() {
  const { permission, request } = useSystemPermission();
  if (permission === 'unsupported') return null;
  if (permission === 'granted') return <p className="text-xs text-mist-300">System notifications are on for this browser.</p>;
  if (permission === 'denied') return <p className="text-xs text-mist-300">System notifications are blocked in this browser&apos;s settings.</p>;
  return (
    <button type="button" onClick={() => void request()} className="text-xs font-medium text-gold-400 underline underline-offset-4 hover:text-gold-300">
      Allow system notifications
    </button>
  );
}
