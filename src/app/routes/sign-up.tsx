import { useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import { AuthPage } from '@/app/routes/auth-page';
import { SignUpForm } from '@/features/auth/components/sign-up-form';
import { useAuthStore } from '@/features/auth/stores/auth-store';

export function SignUpRoute() {
  const status = useAuthStore((state) => state.status);
  const [confirmEmail, setConfirmEmail] = useState<string | null>(null);

  if (confirmEmail) {
    return (
      <AuthPage title="Check your email">
        <p role="status" className="text-mist-100">
          We sent a confirmation link to <strong>{confirmEmail}</strong>. Open it to finish creating your account, then sign in.
        </p>
      </AuthPage>
    );
  }
  // Signed up with an immediate session (or already signed in): the profile is the next step.
  if (status === 'signed-in') return <Navigate to="/profile" replace />;
  return (
    <AuthPage title="Create your account">
      <SignUpForm onSignedUp={({ needsEmailConfirmation, email }) => needsEmailConfirmation && setConfirmEmail(email)} />
      <p className="mt-6 text-center text-sm text-mist-300">
        Already have an account?{' '}
        <Link to="/sign-in" className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
          Sign in
        </Link>
      </p>
    </AuthPage>
  );
}
