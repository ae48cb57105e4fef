import { Settings } from 'lucide-react';

export function ConfigError({ problems }: { problems: string[] }) {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-6 py-12">
      <title>Configuration needed · Arcana Readers</title>
      <div className="rounded-xl border border-gold-500/40 bg-night-900 p-8 shadow-lg shadow-night-950">
        <h1 className="flex items-center gap-3 font-display text-3xl text-gold-300">
          <Settings aria-hidden="true" className="size-7 shrink-0 text-gold-400" />
          The app is not configured
        </h1>
        <p className="mt-4 text-mist-300">These settings are missing or invalid:</p>
        <ul className="mt-2 list-disc space-y-1 pl-6 font-mono text-sm text-mist-100">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
        <h2 className="mt-6 font-display text-xl text-gold-300">How to fix it</h2>
        <ul className="mt-2 list-disc space-y-1 pl-6 text-mist-300">
          <li>
            Run <code className="text-mist-100">npm start</code>: it starts the local stack and writes <code className="text-mist-100">.env.local</code>.
          </li>
          <li>
            Or copy <code className="text-mist-100">.env.example</code> to <code className="text-mist-100">.env.local</code> and fill in your Supabase
            project&apos;s URL and anon key.
          </li>
        </ul>
        <p className="mt-4 text-sm text-mist-300">Vite reads these files when it starts, so restart it afterwards.</p>
      </div>
    </main>
  );
}
