import { expect, test } from 'vitest';
import { formText } from '@/features/auth/utils/form-text';

test("gives a text field's value as typed, and '' for a field the form does not have", () => {
  const form = new FormData();
  form.set('email', '  luna@demo.test ');
  expect(formText(form, 'email')).toBe('  luna@demo.test ');
  expect(formText(form, 'password')).toBe('');
});
