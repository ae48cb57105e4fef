import { expect, test } from 'vitest';
import { apiError } from '@/lib/api-error';
import { hoursErrorMessage, isRuleRefusal } from '@/features/hours/utils/hours-errors';

const check = (name: string, relation = 'reader_hours') =>
  apiError(400, { code: '23514', message: `new row for relation "${relation}" violates check constraint "${name}"` });

test('each rule of the hours the database enforces reads as what to do', () => {
  expect(
    hoursErrorMessage(
      apiError(400, { code: '23514', message: 'value for domain time_zone_name violates check constraint "reader_schedules_time_zone_known"' }),
    ),
  ).toBe('Choose a time zone from the list, written as a place such as Europe/London.');
  expect(hoursErrorMessage(check('reader_hours_ends_after_starts'))).toMatch(/^End the window after it starts\./);
  expect(hoursErrorMessage(check('reader_hours_per_day_limit'))).toBe('A day can have at most 4 windows. Remove one, or join two into one.');
  expect(hoursErrorMessage(check('reader_days_off_upcoming', 'reader_days_off'))).toBe('Choose a day off from today to a year ahead, in your time zone.');
  expect(hoursErrorMessage(check('reader_days_off_limit', 'reader_days_off'))).toBe('You can have at most 60 upcoming days off. Remove one first.');
  expect(hoursErrorMessage(apiError(409, { code: '23P01', message: 'conflicting key value violates exclusion constraint "reader_hours_no_overlap"' }))).toBe(
    'This window overlaps or touches another one that day. Join them into one window, or leave a gap between them.',
  );
  expect(
    hoursErrorMessage(
      apiError(409, { code: '23503', message: 'insert or update on table "reader_hours" violates foreign key constraint "reader_hours_need_schedule"' }),
    ),
  ).toMatch(/time zone could not be saved/);
});

test('any other failure keeps the general reason, and is not a refusal of a rule', () => {
  const unreachable = apiError(0, { message: 'Failed to fetch' });
  expect(hoursErrorMessage(unreachable)).toBe('The server cannot be reached. Check your connection and try again.');
  expect(isRuleRefusal(unreachable)).toBe(false);
  expect(isRuleRefusal(check('some_other_rule'))).toBe(false);
  expect(isRuleRefusal(check('reader_hours_whole_minutes'))).toBe(true);
  expect(hoursErrorMessage(new TypeError('boom'))).toBe('Something went wrong. Please try again.');
});
