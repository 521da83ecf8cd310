/** Every screen after the login form, in one chunk: flow/lazy-screens.tsx loads it. */
export { BackupCodeScreen } from '../screens/BackupCodeScreen';
export { ChooseOwnPasswordScreen } from '../screens/ChooseOwnPasswordScreen';
export { CodeEntryScreen } from '../screens/CodeEntryScreen';
export { LocationScreen } from '../screens/LocationScreen';
export { LockScreen } from '../screens/LockScreen';
export { PasswordResetScreen } from '../screens/PasswordResetScreen';
export { ReturningScreen } from '../screens/ReturningScreen';
export { SignedInScreen } from '../screens/SignedInScreen';
export { VerifyScreen } from '../screens/VerifyScreen';
