import { parseEnv } from '@/config/parse-env';

// Throws while this module loads when the configuration is invalid. main.tsx validates first and
// loads the app (which imports this) only afterwards, so users see a configuration page instead.
export const env = parseEnv(import.meta.env);
