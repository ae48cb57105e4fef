import type { ReactNode } from 'react';

/** The narrow, centred frame of the sign-in, sign-up and profile pages. */
export function AuthPage({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby="auth-heading" className="mx-auto max-w-md space-y-6">
      <title>{`${title} · Arcana Readers`}</title>
      <div>
        <h1 id="auth-heading" className="font-display text-3xl text-gold-300">
          {title}
        </h1>
        {intro && <p className="mt-2 text-mist-300">{intro}</p>}
      </div>
      <div className="rounded-xl border border-night-700 bg-night-900/80 p-6">{children}</div>
    </section>
  );
}

/** Where to go after signing in: only a path inside this app, never another site. */
export function safeNextPath(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/readers';
}
