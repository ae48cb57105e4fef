import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Profile } from '@/features/auth/api/profile';
import { ProfileForm } from '@/features/auth/components/profile-form';
import { SignInForm } from '@/features/auth/components/sign-in-form';
import { SignUpForm } from '@/features/auth/components/sign-up-form';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { apiError } from '@/lib/api-error';

const initialState = useAuthStore.getState();
const signIn = vi.fn<(email: string, password: string) => Promise<void>>();
const signUp = vi.fn<typeof initialState.signUp>();

beforeEach(() => {
  useAuthStore.setState({ signIn, signUp });
});

afterEach(() => {
  useAuthStore.setState(initialState, true);
  vi.resetAllMocks();
});

describe('SignInForm', () => {
  test('signs in with the trimmed email, then moves on', async () => {
    signIn.mockResolvedValue();
    const onSignedIn = vi.fn();
    render(<SignInForm onSignedIn={onSignedIn} />);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Email'), ' luna@demo.test ');
    await user.type(screen.getByLabelText('Password'), 'password123');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(signIn).toHaveBeenCalledWith('luna@demo.test', 'password123');
    expect(onSignedIn).toHaveBeenCalledOnce();
  });

  test('wrong credentials are explained and the form stays filled in', async () => {
    signIn.mockRejectedValue({ code: 'invalid_credentials', status: 400 });
    const onSignedIn = vi.fn();
    render(<SignInForm onSignedIn={onSignedIn} />);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Email'), 'luna@demo.test');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('That email and password do not match an account.');
    expect(screen.getByLabelText('Email')).toHaveValue('luna@demo.test');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });
});

describe('SignUpForm', () => {
  async function fillIn(role: RegExp, password = 'secret1') {
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: role }));
    await user.type(screen.getByLabelText('Display name'), 'Nova');
    await user.type(screen.getByLabelText('Email'), 'nova@demo.test');
    await user.type(screen.getByLabelText('Password'), password);
    await user.click(screen.getByRole('button', { name: 'Create account' }));
  }

  test('signs up as a reader, which applies: the choice says an admin reviews it first', async () => {
    signUp.mockResolvedValue({ needsEmailConfirmation: false });
    const onSignedUp = vi.fn();
    render(<SignUpForm onSignedUp={onSignedUp} />);
    expect(screen.getByRole('radio', { name: /I give readings/ })).toHaveAccessibleName(/An admin reviews each application before your card is listed/);

    await fillIn(/I give readings/);

    expect(signUp).toHaveBeenCalledWith({ email: 'nova@demo.test', password: 'secret1', displayName: 'Nova', isReader: true });
    expect(onSignedUp).toHaveBeenCalledWith({ needsEmailConfirmation: false, email: 'nova@demo.test' });
  });

  test('signs up as a client by default', async () => {
    signUp.mockResolvedValue({ needsEmailConfirmation: true });
    render(<SignUpForm onSignedUp={vi.fn()} />);
    expect(screen.getByRole('radio', { name: /I want readings/ })).toBeChecked();

    await fillIn(/I want readings/);
    expect(signUp).toHaveBeenCalledWith(expect.objectContaining({ isReader: false }));
  });

  test('a short password is caught before anything is sent', async () => {
    render(<SignUpForm onSignedUp={vi.fn()} />);
    await fillIn(/I want readings/, '123');

    expect(signUp).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('At least 6 characters. Use at least 6 characters.');
    expect(screen.getByLabelText('Password')).toBeInvalid();
  });

  test('an email already in use is explained', async () => {
    signUp.mockRejectedValue({ code: 'user_already_exists', status: 422 });
    render(<SignUpForm onSignedUp={vi.fn()} />);
    await fillIn(/I want readings/);
    expect(await screen.findByRole('alert')).toHaveTextContent('An account with this email already exists. Sign in instead.');
  });
});

describe('ProfileForm', () => {
  const luna: Profile = { id: 'luna', display_name: 'Luna', avatar_url: null, bio: 'Hi', specialties: ['Love'], is_reader: true };

  test('saves the edited card fields, tidied', async () => {
    const onSave = vi.fn(async () => {});
    render(<ProfileForm profile={luna} readerCard onSave={onSave} />);
    const user = userEvent.setup();

    const specialties = screen.getByLabelText('Specialties');
    await user.clear(specialties);
    await user.type(specialties, 'Love, Dreams, love');
    await user.type(screen.getByLabelText('Photo address'), 'https://example.com/luna.jpg');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(onSave).toHaveBeenCalledWith({ display_name: 'Luna', avatar_url: 'https://example.com/luna.jpg', bio: 'Hi', specialties: ['Love', 'Dreams'] });
    expect(await screen.findByText('Profile saved.')).toBeInTheDocument();
    expect(specialties).toHaveValue('Love, Dreams');
  });

  test('shows what to fix next to each field and sends nothing', async () => {
    const onSave = vi.fn(async () => {});
    render(<ProfileForm profile={luna} readerCard onSave={onSave} />);
    const user = userEvent.setup();

    await user.clear(screen.getByLabelText('Display name'));
    await user.type(screen.getByLabelText('Photo address'), 'not a url');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Display name')).toHaveAccessibleDescription('Enter the name clients will see.');
    expect(screen.getByLabelText('Photo address')).toBeInvalid();
  });

  test('a refused save says so and keeps everything typed', async () => {
    const onSave = vi.fn(() => Promise.reject(apiError(0, { message: 'TypeError: Failed to fetch' })));
    render(<ProfileForm profile={luna} readerCard onSave={onSave} />);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('About you'), ' and welcome');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your changes were not saved. The server cannot be reached.');
    expect(screen.getByLabelText('About you')).toHaveValue('Hi and welcome');
  });

  test('a limit only the database knows of marks its field and keeps everything typed', async () => {
    const onSave = vi.fn(() =>
      Promise.reject(apiError(400, { code: '23514', message: 'new row for relation "users" violates check constraint "users_specialty_format"' })),
    );
    render(<ProfileForm profile={luna} readerCard onSave={onSave} />);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Specialties'), ', Dreams');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your changes were not saved. Check the field marked below.');
    expect(screen.getByLabelText('Specialties')).toHaveAccessibleDescription(
      expect.stringContaining('Keep each specialty to 40 characters, without special characters.'),
    );
    expect(screen.getByLabelText('Specialties')).toHaveValue('Love, Dreams');
  });

  test('a name another listed reader has is marked on the name field, and the name stays as typed', async () => {
    const onSave = vi.fn(() =>
      Promise.reject(apiError(409, { code: '23505', message: 'duplicate key value violates unique constraint "users_reader_display_name_key"' })),
    );
    render(<ProfileForm profile={luna} readerCard onSave={onSave} />);
    const user = userEvent.setup();

    const name = screen.getByLabelText('Display name');
    await user.clear(name);
    await user.type(name, 'Orion Vale');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your changes were not saved. Check the field marked below.');
    expect(name).toHaveAccessibleDescription('Another reader already uses this name.');
    expect(name).toHaveValue('Orion Vale');
  });

  test('without a reader card there is no specialties field', () => {
    render(<ProfileForm profile={{ ...luna, is_reader: false }} readerCard={false} onSave={vi.fn()} />);
    expect(screen.queryByLabelText('Specialties')).not.toBeInTheDocument();
  });

  test('an applicant, not yet a reader, completes their specialties for the review', () => {
    render(<ProfileForm profile={{ ...luna, is_reader: false }} readerCard onSave={vi.fn()} />);
    expect(screen.getByLabelText('Specialties')).toHaveValue('Love');
  });
});
