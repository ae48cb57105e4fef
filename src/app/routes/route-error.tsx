import { Link } from 'react-router-dom';

export function RouteError() {
  return (
    <section role="alert" aria-labelledby="route-error-heading" className="mx-auto max-w-xl py-16 text-center">
      <title>Something went wrong · Arcana Readers</title>
      <h1 id="route-error-heading" className="font-display text-3xl text-gold-300">
        Something went wrong
      </h1>
      <p className="mt-2 text-mist-300">This page could not be shown. Please reload it; if that does not help, try again later.</p>
      <Link to="/readers" reloadDocument className="mt-6 inline-block rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
        Back to the readers
      </Link>
    </section>
  );
}
