/**
 * Every kind of security event the audit trail records: the server writes only these, and the console's
 * audit log offers them as its event-type filter.
 */
export const AUDIT_EVENT_TYPES = [
  'login_succeeded',
  'login_failed',
  'login_rate_limited',
  'login_blocked_locked',
  'account_locked',
  'enrollment_required',
  'challenge_created',
  'code_sent',
  'code_send_rate_limited',
  'sms_limit_reached',
  'sms_country_blocked',
  'code_delivery_failed',
  'code_delivery_reported',
  'password_reset_requested',
  'password_reset_code_invalid',
  'password_reset_first_factor_verified',
  'password_reset_verified',
  'password_reset_refused',
  'password_reset_completed',
  'password_reset_rate_limited',
  'code_invalid',
  'code_expired',
  'challenge_exhausted',
  'trusted_device_created',
  'trusted_device_used',
  'session_signed_out',
  'user_created',
  'policy_changed',
  'account_unlocked',
  'two_factor_reset',
  'trusted_device_revoked',
  'trusted_devices_revoked',
  'totp_enrollment_started',
  'totp_enrolled',
  'totp_removed',
  'recovery_codes_generated',
  'recovery_code_used',
  'password_recheck_failed',
  'password_changed',
  'profile_updated',
  'contact_change_started',
  'contact_code_invalid',
  'contact_changed',
  'contact_set_by_admin',
  'contact_removed',
  'user_updated',
  'user_deactivated',
  'user_reactivated',
  'trusted_devices_revoked_everywhere',
  'location_created',
  'location_renamed',
  'recovery_checklist_changed',
  'recovery_bypass_issued',
  'bypass_code_used',
  'temporary_password_set',
  'account_ended',
  'oidc_client_registered',
  'oidc_client_disabled',
  'oidc_client_secret_rotated',
  'oidc_signing_key_rotated',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** "policy_changed" → "Policy changed", for people reading a list of them. */
export function auditEventLabel(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
