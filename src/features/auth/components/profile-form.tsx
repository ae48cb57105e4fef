import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextAreaField, TextField } from '@/components/ui/form-field';
import type { Profile, ProfileChanges } from '@/features/auth/api/profile';
import { authErrorMessage } from '@/features/auth/utils/auth-error-message';
import {
  PROFILE_LIMITS,
  profileErrorsFromDatabase,
  profileToInput,
  validateProfile,
  type ProfileErrors,
  type ProfileInput,
} from '@/features/auth/utils/profile-input';

interface ProfileFormProps {
  profile: Profile;
  /** Whether the person has a reader card, listed or under review: it shows their specialties too. */
  readerCard: boolean;
  onSave: (changes: ProfileChanges) => Promise<void>;
}

export function ProfileForm({ profile, readerCard, onSave }: ProfileFormProps) {
  const [input, setInput] = useState<ProfileInput>(() => profileToInput(profile));
  const [errors, setErrors] = useState<ProfileErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const field = (name: keyof ProfileInput) => ({
    name,
    value: input[name],
    error: errors[name],
    onChange: (event: { target: { value: string } }) => {
      setInput({ ...input, [name]: event.target.value });
      setSaved(false);
    },
  });

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const result = validateProfile(input);
    setErrors(result.errors ?? {});
    setFailure(null);
    if (!result.changes) return;
    setBusy(true);
    try {
      await onSave(result.changes);
      // Show what was stored, e.g. trimmed and without repeated specialties.
      setInput(profileToInput(result.changes));
      setSaved(true);
    } catch (error) {
      // Nothing typed is lost: the form keeps every field as it was.
      const fieldErrors = profileErrorsFromDatabase(error);
      if (fieldErrors) setErrors(fieldErrors);
      setFailure(`Your changes were not saved. ${fieldErrors ? 'Check the field marked below.' : authErrorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Edit profile" className="space-y-4">
      <FormError message={failure} />
      <TextField label="Display name" autoComplete="nickname" {...field('displayName')} />
      <TextField
        label="Photo address"
        type="url"
        placeholder="https://…"
        hint="A link to a square photo; leave empty to show your initials."
        {...field('avatarUrl')}
      />
      <TextAreaField label="About you" rows={5} hint={`Up to ${PROFILE_LIMITS.bio} characters.`} {...field('bio')} />
      {readerCard && (
        <TextField
          label="Specialties"
          placeholder="Love, Career, Dreams"
          hint={`Separated by commas, up to ${PROFILE_LIMITS.specialties}. Clients search by these.`}
          {...field('specialties')}
        />
      )}
      <SubmitButton busy={busy} busyText="Saving…">
        Save profile
      </SubmitButton>
      <p role="status" className="text-sm text-emerald-300">
        {saved ? 'Profile saved.' : ''}
      </p>
    </form>
  );
}
