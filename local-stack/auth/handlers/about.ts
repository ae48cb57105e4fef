import type { Handler } from '../context.ts';

/** The Supabase Auth release whose behaviour this service reproduces (the one Supabase CLI 2.117 runs). */
const COMPATIBLE_VERSION = 'v2.196.0';

/** `GET /health` */
export const health: Handler = () =>
  Promise.resolve({
    status: 200,
    body: { version: COMPATIBLE_VERSION, name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' },
  });

/** `GET /settings`: only e-mail sign-in exists here, auto-confirmed. */
export const settings: Handler = ({ service }) =>
  Promise.resolve({
    status: 200,
    body: {
      external: { anonymous_users: false, email: true, phone: false },
      disable_signup: !service.settings.enableSignup,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    },
  });
