/** How the console names a user's state in words. */
import type { AdminUser } from '../../../shared/api-admin-users';

export const fullName = (user: Pick<AdminUser, 'firstName' | 'lastName'>) =>
  `${user.firstName} ${user.lastName}`.trim();

export function userStatus(user: AdminUser): string {
  if (!user.active) return 'Deactivated';
  if (user.accessByDates === 'ended') return 'Ended (past the end date)';
  if (user.accessByDates === 'not_started') return 'Not started (before the start date)';
  if (user.lockedUntil && Date.parse(user.lockedUntil) > Date.now()) return 'Locked';
  return 'Active';
}

export function factorsOf(user: AdminUser): string {
  const factors = [
    user.factors.phone && 'Cell phone',
    user.factors.email && 'Email',
    user.factors.authenticator && 'Authenticator app',
  ].filter(Boolean);
  return factors.length ? factors.join(', ') : 'None';
}
