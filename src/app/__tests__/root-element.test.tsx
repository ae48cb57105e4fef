import { render, screen } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { loadRootElement } from '@/app/root-element';

describe('loadRootElement', () => {
  test('without configuration it shows what is missing and how to fix it, not a blank page', async () => {
    render(await loadRootElement({ VITE_READERS_REFRESH_INTERVAL_MS: 'soon' }));

    expect(screen.getByRole('heading', { level: 1, name: 'The app is not configured' })).toBeInTheDocument();
    const main = screen.getByRole('main');
    expect(main).toHaveTextContent('VITE_SUPABASE_URL is missing');
    expect(main).toHaveTextContent('VITE_SUPABASE_ANON_KEY is missing');
    expect(main).toHaveTextContent('VITE_READERS_REFRESH_INTERVAL_MS must be a whole number');
    expect(main).toHaveTextContent('npm start');
    expect(main).toHaveTextContent('.env.example');
  });

  test('with a valid configuration it renders the app', async () => {
    render(await loadRootElement({ VITE_SUPABASE_URL: 'http://127.0.0.1:54321', VITE_SUPABASE_ANON_KEY: 'anon-key' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Readers' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
  });
});
