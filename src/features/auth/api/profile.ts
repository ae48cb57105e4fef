import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** The signed-in user's own row: what the app needs about them, and the card fields they may edit. */
export interface Profile {
  id: string;
  display_name: string;
  avatar_url: string | null;
  bio: string;
  specialties: string[];
  is_reader: boolean;
}

/** The columns a user may change on their own row (the database grants exactly these). */
export type ProfileChanges = Pick<Profile, 'display_name' | 'avatar_url' | 'bio' | 'specialties'>;

const PROFILE_COLUMNS = 'id, display_name, avatar_url, bio, specialties, is_reader';

export async function getProfile(client: AppSupabaseClient, userId: string): Promise<Profile> {
  return unwrap(await client.from('users').select(PROFILE_COLUMNS).eq('id', userId).single().overrideTypes<Profile, { merge: false }>());
}

export async function updateProfile(client: AppSupabaseClient, userId: string, changes: ProfileChanges): Promise<Profile> {
  return unwrap(await client.from('users').update(changes).eq('id', userId).select(PROFILE_COLUMNS).single().overrideTypes<Profile, { merge: false }>());
}
