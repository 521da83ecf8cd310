import type { User } from '../../../shared/api';

export const displayName = (user: Pick<User, 'firstName' | 'lastName' | 'username'>): string =>
  `${user.firstName} ${user.lastName}`.trim() || user.username;
