export function ConfigError({ problems }: { problems: string[] }) {
  return (
    <main role="alert" className="mx-auto max-w-2xl p-8">
      <h1 className="font-display text-3xl text-gold-300">The app is not configured</h1>
      <ul className="mt-4 list-disc pl-6 text-slate-200">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
      <p className="mt-4 text-slate-300">
        Run <code>npm start</code>, which starts the local stack and writes <code>.env.local</code>, or copy{' '}
        <code>.env.example</code> to <code>.env.local</code> and fill it in. Then restart Vite.
      </p>
    </main>
  );
}
