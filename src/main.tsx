import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/app';
import { ConfigError } from '@/app/config-error';
import { EnvError, parseEnv } from '@/config/env';
import './index.css';

const root = createRoot(document.getElementById('root')!);

try {
  parseEnv(import.meta.env);
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  root.render(<ConfigError problems={error.problems} />);
}
