/**
 * Self-service contract (`/api/v1/me/...`): the signed-in user's trusted workstations, authenticator app and
 * recovery codes. Re-exported from api.ts; kept apart so the sign-in screens need not load it.
 */
import { z } from 'zod';

const IsoTime = z.string().describe('ISO 8601 UTC time');

/** A workstation where "Remember this workstation" was ticked; its token lives only in that machine's keychain. */
export const TrustedDevice = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: IsoTime,
  lastUsedAt: IsoTime.nullable(),
  expiresAt: IsoTime,
});
export type TrustedDevice = z.infer<typeof TrustedDevice>;

export const TrustedDeviceList = z.object({ devices: z.array(TrustedDevice) });
export type TrustedDeviceList = z.infer<typeof TrustedDeviceList>;

export const DeviceParams = z.object({ id: z.string().min(1).max(64) });

export const DevicesRevoked = z.object({ revoked: z.number().int().nonnegative() });
export type DevicesRevoked = z.infer<typeof DevicesRevoked>;

export const TotpState = z.enum(['none', 'pending', 'confirmed']);
export type TotpState = z.infer<typeof TotpState>;

export const TotpStatus = z.object({
  /** `pending`: enrolled but not yet confirmed with a code, so not offered at sign-in. */
  status: TotpState,
  confirmedAt: IsoTime.nullable(),
});
export type TotpStatus = z.infer<typeof TotpStatus>;

/** Shown once, to the signed-in user, at enrollment: scan the QR code or type the secret. */
export const TotpEnrollment = z.object({
  status: z.literal('pending'),
  otpauthUri: z.string().describe('otpauth://totp/... for authenticator apps'),
  /** Base32, for typing into an app that cannot scan. */
  secret: z.string(),
  /** The otpauth URI as a PNG QR code, generated on the server without any network call. */
  qrCodeDataUrl: z.string().describe('data:image/png;base64,...'),
});
export type TotpEnrollment = z.infer<typeof TotpEnrollment>;

export const TotpConfirmRequest = z.object({ code: z.string().trim().max(32) });
export type TotpConfirmRequest = z.infer<typeof TotpConfirmRequest>;

export const RecoveryCodeStatus = z.object({
  /** Unused codes left. */
  remaining: z.number().int().nonnegative(),
  generatedAt: IsoTime.nullable(),
});
export type RecoveryCodeStatus = z.infer<typeof RecoveryCodeStatus>;

/** The only time the codes are ever shown: the server keeps HMACs of them, not the codes. */
export const RecoveryCodes = z.object({
  codes: z.array(z.string()),
  generatedAt: IsoTime,
});
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;
