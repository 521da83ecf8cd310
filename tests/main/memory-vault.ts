/** A keychain vault in memory, for main-process tests that are not about the keychain itself. */
import type { TokenVault } from '../../src/main/token-vault';

export function memoryVault(): TokenVault & { tokens: Map<string, string> } {
  const tokens = new Map<string, string>();
  return {
    tokens,
    status: async () => ({ available: true }),
    get: async (account) => tokens.get(account) ?? null,
    set: async (account, token) => void tokens.set(account, token),
    delete: async (account) => tokens.delete(account),
  };
}
