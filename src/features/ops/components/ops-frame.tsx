import type { ReactNode } from 'react';
import { StatusMessage } from '@/components/ui/status-message';

export const OPS_TITLE = 'Presence dashboard';

export function OpsFrame({ children }: { children: ReactNode }) {
  return (
    <section aria-labelledby="ops-heading" className="space-y-8">
      <title>{`${OPS_TITLE} · Arcana Readers`}</title>
      <h1 id="ops-heading" className="font-display text-3xl text-gold-300">
        {OPS_TITLE}
      </h1>
      {children}
    </section>
  );
}

/** What a non-admin finds at /ops (the database would refuse them every figure anyway). */
export function OpsAdminsOnlyNotice({ children }: { children?: ReactNode }) {
  return (
    <OpsFrame>
      <StatusMessage tone="info" role="status" action={children}>
        Only admins can see this page.
      </StatusMessage>
    </OpsFrame>
  );
}
