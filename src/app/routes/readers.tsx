export function ReadersRoute() {
  return (
    <section aria-labelledby="readers-heading">
      <h1 id="readers-heading" className="font-display text-3xl text-gold-300">
        Readers
      </h1>
      <p className="mt-2 text-slate-300">Find a tarot reader who is online right now.</p>
    </section>
  );
}
