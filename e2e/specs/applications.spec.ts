import { ADMIN, APPLICANT, expect, expectNoSeriousAxeViolations, signIn, test, type Database } from '../fixtures.ts';

const REASON = 'Please add a photo and say how you read: clients choose by both.';

const applicationOf = (db: Database, applicantId: string) =>
  db.query<{ status: string; reason: string | null }>('select status::text, reason from public.reader_applications where applicant_id = $1', [applicantId]);

test('25. an admin rejects an application with a reason; the applicant reads it on their profile, applies again and is pending again', async ({
  people,
  db,
  shot,
}) => {
  const admin = await people.open({ path: '/sign-in' });
  await signIn(admin.page, ADMIN.email);
  await admin.page.getByRole('link', { name: 'Applications' }).click();
  const application = admin.page.getByRole('article', { name: APPLICANT.name });
  await application.getByRole('button', { name: `Reject ${APPLICANT.name}` }).click();
  const reason = application.getByLabel('Reason for rejecting');
  await expect(reason).toBeFocused();
  // Without a reason nothing is sent, and the admin hears why.
  await application.getByRole('button', { name: 'Reject application' }).click();
  await expect(application.getByRole('alert')).toHaveText(`${APPLICANT.name} was not rejected. Check the reason below.`);
  await expect(reason).toHaveAccessibleDescription(/Give the applicant a reason: they read it on their profile\./);
  await expectNoSeriousAxeViolations(admin.page);
  await reason.fill(REASON);
  await shot(admin.page, 'rejecting');
  await reason.press('Enter');
  await expect(admin.page.getByRole('status').filter({ hasText: `${APPLICANT.name} is not accepted` })).toBeVisible();
  await expect(application).toHaveCount(0);
  await expect(admin.page.getByText('No applications are waiting.')).toBeVisible();
  expect(await applicationOf(db, APPLICANT.id)).toEqual([{ status: 'rejected', reason: REASON }]);

  const morgan = await people.open({ path: '/sign-in' });
  await signIn(morgan.page, APPLICANT.email);
  // Not an admin: no link to the review page, and its address says whom it is for.
  await expect(morgan.page.getByRole('link', { name: 'Applications' })).toHaveCount(0);
  await morgan.page.goto('/ops/applications');
  await expect(morgan.page.getByText('Only admins can review reader applications.')).toBeVisible();

  await morgan.page.getByRole('link', { name: `${APPLICANT.name} (your profile)` }).click();
  await expect(morgan.page.getByText('Your application to give readings was not accepted.')).toBeVisible();
  await expect(morgan.page.getByText(REASON)).toBeVisible();
  await expectNoSeriousAxeViolations(morgan.page);
  await shot(morgan.page, 'rejected');
  await morgan.page.getByRole('button', { name: 'Apply again' }).click();
  await expect(morgan.page.getByText('Your application to give readings is being reviewed.')).toBeVisible();
  await expect(morgan.page.getByRole('button', { name: 'Apply again' })).toHaveCount(0);
  expect(await applicationOf(db, APPLICANT.id)).toEqual([{ status: 'pending', reason: null }]);
  await shot(morgan.page, 'pending-again');

  // Back in the admins' queue.
  await admin.page.reload();
  await expect(admin.page.getByRole('article', { name: APPLICANT.name })).toBeVisible();
});
