import { Link } from 'react-router-dom';

export function NotFoundRoute() {
  return (
    <section className="text-center">
      <h1 className="font-display text-3xl text-gold-300">Page not found</h1>
      <p className="mt-2 text-slate-300">The cards do not show this page.</p>
      <Link to="/readers" className="mt-4 inline-block text-gold-400 underline">
        Back to the readers
      </Link>
    </section>
  );
}
