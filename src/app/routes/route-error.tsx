import { Link } from 'react-router-dom';

export function RouteError() {
  return (
    <section role="alert" className="mx-auto max-w-xl p-8 text-center">
      <h1 className="font-display text-3xl text-gold-300">Something went wrong</h1>
      <p className="mt-2 text-slate-300">Please reload the page. If it keeps happening, try again later.</p>
      <Link to="/readers" className="mt-4 inline-block text-gold-400 underline">
        Back to the readers
      </Link>
    </section>
  );
}
