export function ReadersRoute() {
  return (
    <section aria-labelledby="readers-heading">
      <title>Readers · Arcana Readers</title>
      <h1 id="readers-heading" className="font-display text-3xl text-gold-300 sm:text-4xl">
        Readers
      </h1>
      <p className="mt-2 max-w-prose text-mist-300">Browse tarot readers and see who is online right now.</p>
    </section>
  );
}
