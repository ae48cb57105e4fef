import type { PresenceAlert } from '@/features/ops/api/fetch-presence-alerts';

/** The alerts firing now (not cleared), in the database's order: newest first. */
export const activeAlerts = (alerts: readonly PresenceAlert[]) => alerts.filter((alert) => alert.clearedAt === null);

/** "presence_down" → "Presence down" */
export function ruleName(rule: string): string {
  const words = rule.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
