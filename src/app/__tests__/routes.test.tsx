import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, test } from 'vitest';
import { routes } from '../routes';

function renderAt(path: string) {
  render(<RouterProvider router={createMemoryRouter(routes, { initialEntries: [path] })} />);
}

describe('routes', () => {
  test('the home page is the readers page, inside the layout', () => {
    renderAt('/');
    expect(screen.getByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main');
  });

  test('/readers marks its nav link as the current page', () => {
    renderAt('/readers');
    expect(screen.getByRole('link', { name: 'Readers' })).toHaveAttribute('aria-current', 'page');
  });

  test('an unknown path shows a not-found page with a way back', () => {
    renderAt('/no-such-page');
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the readers' })).toHaveAttribute('href', '/readers');
  });
});
