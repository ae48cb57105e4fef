import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router-dom';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { routes } from '@/app/router';
import { RouteError } from '@/app/routes/route-error';

function renderAt(path: string, routeObjects: RouteObject[] = routes) {
  const router = createMemoryRouter(routeObjects, { initialEntries: [path] });
  render(<RouterProvider router={router} />);
  return router;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('app routes', () => {
  test('/readers shows the readers page inside the layout', () => {
    renderAt('/readers');

    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
    expect(screen.getByRole('banner')).toHaveTextContent('Arcana Readers');
    expect(screen.getByRole('main')).toContainElement(screen.getByRole('heading', { level: 1, name: 'Readers' }));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toContainElement(screen.getByRole('link', { name: 'Readers', current: 'page' }));
    expect(document.title).toBe('Readers · Arcana Readers');
  });

  test('the first Tab reaches a skip link to the main content', async () => {
    renderAt('/readers');
    const user = userEvent.setup();

    await user.tab();
    const skipLink = screen.getByRole('link', { name: 'Skip to main content' });
    expect(skipLink).toHaveFocus();
    expect(skipLink).toHaveAttribute('href', '#main');
    expect(screen.getByRole('main')).toHaveAttribute('id', 'main');
  });

  test('/ leads to the readers page', () => {
    const router = renderAt('/');

    expect(router.state.location.pathname).toBe('/readers');
    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
  });

  test('an unknown path shows a not-found page with a way back, keeping the navigation', async () => {
    const router = renderAt('/no-such-page');

    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('link', { name: 'Back to the readers' }));
    expect(router.state.location.pathname).toBe('/readers');
    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
  });

  test('a page that fails shows a friendly message', () => {
    // React reports the caught render error on the console; the test only cares about the page.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    function BrokenPage(): never {
      throw new Error('boom');
    }

    renderAt('/broken', [{ path: '/broken', element: <BrokenPage />, errorElement: <RouteError /> }]);

    expect(screen.getByRole('alert')).toHaveTextContent('Something went wrong');
    expect(screen.getByRole('link', { name: 'Back to the readers' })).toHaveAttribute('href', '/readers');
  });
});
