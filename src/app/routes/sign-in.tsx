import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { AuthPage, safeNextPath } from '@/app/routes/auth-page';
import { SignInForm } from '@/features/auth/components/sign-in-form';
import { useAuthStore } from '@/features/auth/stores/auth-store';

export function SignInRoute() {
  const status = useAuthStore((state) => state.status);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  if (status === 'signed-in') return <Navigate to={next} replace />;
  return (
    <AuthPage title="Sign in" intro="Readers appear online to clients while they are signed in.">
      <SignInForm onSignedIn={() => void navigate(next, { replace: true })} />
      <p className="mt-6 text-center text-sm text-mist-300">
        New here?{' '}
        <Link to="/sign-up" className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
          Create an account
        </Link>
      </p>
    </AuthPage>
  );
}
