/** The seed's password rule, checked before calling the server (which checks it again). */
export const PASSWORD_RULE =
  'Choose a password of 8 or more characters with both letters and digits. Passwords are case-sensitive.';

export function meetsPasswordRule(password: string): boolean {
  return password.length >= 8 && /\p{L}/u.test(password) && /\p{Nd}/u.test(password);
}
