import { StrictMode, type ReactElement } from 'react';
import { ConfigError } from '@/app/config-error';
import { EnvError, parseEnv, type RawEnv } from '@/config/parse-env';

/** The whole page: the app, or a configuration page naming what to fix instead of a blank screen. */
export async function loadRootElement(rawEnv: RawEnv): Promise<ReactElement> {
  try {
    parseEnv(rawEnv);
  } catch (error) {
    if (error instanceof EnvError) return <ConfigError problems={error.problems} />;
    throw error;
  }
  // Loaded only now: the app's modules read `env` from @/config/env, which throws when it loads
  // with an invalid configuration.
  const { App } = await import('@/app/app');
  return (
    <StrictMode>
      <App />
    </StrictMode>
  );
}
