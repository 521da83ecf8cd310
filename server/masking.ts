/** Masks a contact the way the seed shows it, before the second factor: "••• - ••• - 3816", "cki•••wrshealth.com". */
const DOTS = '•••';

export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  return `${DOTS} - ${DOTS} - ${digits.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at >= 0 ? email.slice(0, at) : email;
  const domain = at >= 0 ? email.slice(at + 1) : '';
  // Array.from keeps a non-ASCII first letter whole.
  const chars = Array.from(local);
  const shown = chars.length > 3 ? chars.slice(0, 3).join('') : (chars[0] ?? '');
  return `${shown}${DOTS}${domain}`;
}
