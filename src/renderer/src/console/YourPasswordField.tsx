/**
 * "Your password" on the console's actions that hand out or take away access: a policy change, a bypass
 * code, a temporary password, reset 2FA and revoking every workstation. The server asks the acting account
 * manager's password again for each (`currentPassword`; 400 invalid_credentials when it is wrong, counted
 * as a failed sign-in), so a console left open on a shared workstation cannot do them.
 */
import { PasswordField } from '../components/PasswordField';

/** The form's words when the field is left empty: nothing is sent, so nothing is counted against them. */
export const ENTER_YOUR_PASSWORD = 'Enter your own password to confirm it is you.';

interface YourPasswordFieldProps {
  id: string;
  value: string;
  onChange(value: string): void;
}

export function YourPasswordField({ id, value, onChange }: YourPasswordFieldProps) {
  return (
    <PasswordField id={id} label="Your password (to confirm it is you)" value={value} onChange={onChange} />
  );
}
