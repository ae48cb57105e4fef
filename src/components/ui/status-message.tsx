import type { ReactNode } from 'react';

const TONES = {
  error: 'border-rose-400/40 bg-rose-950/40 text-rose-100',
  info: 'border-night-600 bg-night-900/80 text-mist-300',
};

interface StatusMessageProps {
  tone: keyof typeof TONES;
  children: ReactNode;
  action?: ReactNode;
  /** 'alert' for a failure the person should hear about at once. */
  role?: 'alert' | 'status';
}

export function StatusMessage({ tone, children, action, role }: StatusMessageProps) {
  return (
    <div role={role} className={`flex flex-col gap-3 rounded-lg border px-4 py-3 text-sm sm:flex-row sm:items-center sm:justify-between ${TONES[tone]}`}>
      <div>{children}</div>
      {action}
    </div>
  );
}

export function RetryButton({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={busy}
      className="shrink-0 rounded-md border border-gold-500/60 px-3 py-1.5 font-medium text-gold-300 hover:bg-night-800 disabled:cursor-wait disabled:opacity-60"
    >
      {busy ? 'Retrying…' : 'Try again'}
    </button>
  );
}
