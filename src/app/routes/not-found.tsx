import { Link } from 'react-router-dom';

export function NotFoundRoute() {
  return (
    <section aria-labelledby="not-found-heading" className="py-16 text-center">
      <title>Page not found · Arcana Readers</title>
      <h1 id="not-found-heading" className="font-display text-3xl text-gold-300">
        Page not found
      </h1>
      <p className="mt-2 text-mist-300">The cards do not show this page.</p>
      <Link to="/readers" className="mt-6 inline-block rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
        Back to the readers
      </Link>
    </section>
  );
}
