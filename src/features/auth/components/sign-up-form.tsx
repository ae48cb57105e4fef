import { Sparkles, User } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '@/components/ui/form-field';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { authErrorMessage } from '@/features/auth/utils/auth-error-message';
import { formText } from '@/features/auth/utils/form-text';

// The server's own rule (GoTrue's default minimum, and the local stack's); checked here to save a round trip.
const MIN_PASSWORD_LENGTH = 6;

const ROLES = [
  { value: 'client', label: 'I want readings', detail: 'Browse readers and book video readings.', Icon: User },
  {
    value: 'reader',
    label: 'I give readings',
    detail: 'Apply to show your card to clients. An admin reviews each application before your card is listed.',
    Icon: Sparkles,
  },
] as const;

interface SignUpFormProps {
  onSignedUp: (result: { needsEmailConfirmation: boolean; email: string }) => void;
}

export function SignUpForm({ onSignedUp }: SignUpFormProps) {
  const signUp = useAuthStore((state) => state.signUp);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [passwordError, setPasswordError] = useState<string>();

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = formText(form, 'password');
    if (password.length < MIN_PASSWORD_LENGTH) {
      setPasswordError(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
      return;
    }
    setPasswordError(undefined);
    const email = formText(form, 'email').trim();
    setBusy(true);
    setError(null);
    try {
      const result = await signUp({
        email,
        password,
        displayName: formText(form, 'displayName').trim(),
        isReader: form.get('role') === 'reader',
      });
      onSignedUp({ ...result, email });
    } catch (failure) {
      setError(authErrorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void handleSubmit(event)} className="space-y-4" aria-label="Sign up">
      <FormError message={error} />
      <fieldset>
        <legend className="text-sm font-medium text-mist-300">I am joining as</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {ROLES.map(({ value, label, detail, Icon }) => (
            <label
              key={value}
              className="flex cursor-pointer gap-3 rounded-md border border-night-600 bg-night-900 p-3 has-checked:border-gold-400 has-focus-visible:outline-2 has-focus-visible:outline-gold-400"
            >
              <input type="radio" name="role" value={value} defaultChecked={value === 'client'} className="sr-only" />
              <Icon aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-gold-400" />
              <span>
                <span className="block font-medium text-mist-100">{label}</span>
                <span className="block text-xs text-mist-500">{detail}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <TextField label="Display name" name="displayName" autoComplete="nickname" maxLength={80} required hint="Shown on your card and to readers." />
      <TextField label="Email" name="email" type="email" autoComplete="email" required />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={passwordError}
      />
      <SubmitButton busy={busy} busyText="Creating your account…">
        Create account
      </SubmitButton>
    </form>
  );
}
