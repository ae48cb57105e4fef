import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '@/components/ui/form-field';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { authErrorMessage } from '@/features/auth/utils/auth-error-message';
import { formText } from '@/features/auth/utils/form-text';

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const signIn = useAuthStore((state) => state.signIn);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(formText(form, 'email').trim(), formText(form, 'password'));
      onSignedIn();
    } catch (failure) {
      setError(authErrorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void handleSubmit(event)} className="space-y-4" aria-label="Sign in">
      <FormError message={error} />
      <TextField label="Email" name="email" type="email" autoComplete="email" required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton busy={busy} busyText="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
