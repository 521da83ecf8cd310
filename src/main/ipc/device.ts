/**
 * This workstation's name for a remembered workstation, so the practice's list of trusted workstations
 * (and its audit trail) says which computer each one is. A host name is not a secret.
 */
import os from 'node:os';
import { handle } from './handle';

export const FALLBACK_DEVICE_NAME = 'WRSAuth desktop';
const MAX_DEVICE_NAME = 100;

/** The host name, without control characters, trimmed to what the server keeps; a fallback when empty. */
export function deviceNameOf(hostname: string): string {
  const name = hostname
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, MAX_DEVICE_NAME)
    .trim();
  return name || FALLBACK_DEVICE_NAME;
}

export function initialize(hostname: () => string = os.hostname): void {
  handle('getDeviceName', () => {
    try {
      return deviceNameOf(hostname());
    } catch {
      return FALLBACK_DEVICE_NAME;
    }
  });
}
