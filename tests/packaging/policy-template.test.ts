/**
 * build/policies: the Group Policy template (ADMX + en-US ADML) sets exactly the managed settings the client
 * reads, under the key it reads (HKLM only), with value types it accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManagedSettings } from '../../src/main/managed/settings';
import { HKLM_POLICY_KEY, POLICY_KEY, registrySource } from '../../src/main/managed/sources';
import { MANAGED_SETTING_KEYS } from '../../src/shared/managed-settings';

const ROOT = path.resolve(import.meta.dirname, '../..');
const admx = fs.readFileSync(path.join(ROOT, 'build/policies/WRSAuth.admx'), 'utf8');
const adml = fs.readFileSync(path.join(ROOT, 'build/policies/en-US/WRSAuth.adml'), 'utf8');

/** Each start tag closed in order (comments, declarations and self-closing tags aside). */
function unbalancedTag(xml: string): string | undefined {
  const stack: string[] = [];
  const body = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match as unknown as [string, string, string, string];
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return name;
  }
  return stack[0];
}

interface PolicyValue {
  policy: string;
  valueName: string;
  kind: 'text' | 'decimal' | 'enum' | 'toggle';
  values?: string[];
}

function policyValues(): PolicyValue[] {
  const found: PolicyValue[] = [];
  for (const [, attributes = '', body = ''] of admx.matchAll(/<policy ([^>]*)>([\s\S]*?)<\/policy>/g)) {
    const policy = /name="([^"]+)"/.exec(attributes)?.[1] ?? '?';
    expect(attributes, policy).toContain(`key="${POLICY_KEY.replace('SOFTWARE', 'Software')}"`);
    const toggle = /valueName="([^"]+)"/.exec(attributes)?.[1];
    if (toggle) found.push({ policy, valueName: toggle, kind: 'toggle' });
    const elements = /<elements>([\s\S]*?)<\/elements>/.exec(body)?.[1] ?? '';
    for (const [, kind, inner] of elements.matchAll(/<(text|decimal|enum) ([^>]*)/g)) {
      const valueName = /valueName="([^"]+)"/.exec(inner ?? '')?.[1] ?? '?';
      const values =
        kind === 'enum' ? [...body.matchAll(/<string>([^<]+)<\/string>/g)].map((m) => m[1] ?? '') : undefined;
      found.push({ policy, valueName, kind: kind as PolicyValue['kind'], values });
    }
  }
  return found;
}

describe('the Group Policy template', () => {
  it('is well-formed XML (every tag closed in order)', () => {
    expect(unbalancedTag(admx)).toBeUndefined();
    expect(unbalancedTag(adml)).toBeUndefined();
  });

  it('has one policy per managed setting, under Software\\Policies\\WRSAuth', () => {
    expect(
      policyValues()
        .map((value) => value.valueName)
        .sort(),
    ).toEqual([...MANAGED_SETTING_KEYS].sort());
  });

  it('applies to computers only (HKLM), the one place the client reads on Windows', () => {
    const classes = [...admx.matchAll(/<policy [^>]*class="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(classes)).toEqual(new Set(['Machine']));
  });

  it('names every string and presentation it uses in the en-US ADML', () => {
    const strings = new Set([...adml.matchAll(/<string id="([^"]+)"/g)].map((m) => m[1]));
    const presentations = new Set([...adml.matchAll(/<presentation id="([^"]+)"/g)].map((m) => m[1]));
    for (const [, id] of admx.matchAll(/\$\(string\.([^)]+)\)/g)) expect(strings, id).toContain(id);
    for (const [, id] of admx.matchAll(/\$\(presentation\.([^)]+)\)/g))
      expect(presentations, id).toContain(id);
  });

  it('writes values the client accepts: what Group Policy stores, read back through reg query', async () => {
    const sample: Record<string, string> = {
      serverUrl: 'https://auth.practice.example',
      updateUrl: 'https://updates.practice.example/wrsauth',
      supportContact: 'IT help desk, ext. 4410',
      practiceAppUrl: 'https://practice.example/login',
      practiceAppName: 'Practice Charts',
    };
    const lines: string[] = [];
    for (const value of policyValues()) {
      if (value.kind === 'text') lines.push(`    ${value.valueName}    REG_SZ    ${sample[value.valueName]}`);
      if (value.kind === 'enum') lines.push(`    ${value.valueName}    REG_SZ    ${value.values?.at(-1)}`);
      if (value.kind === 'decimal') lines.push(`    ${value.valueName}    REG_DWORD    0x5`);
      if (value.kind === 'toggle') lines.push(`    ${value.valueName}    REG_DWORD    0x0`);
    }
    const output = ['', `HKEY_LOCAL_MACHINE\\${POLICY_KEY}`, ...lines, ''].join('\r\n');
    const logs: string[] = [];
    // reg.exe faked at its boundary: the policy key holds what the template writes.
    const runReg = async (args: readonly string[]) =>
      args[1] === HKLM_POLICY_KEY
        ? { status: 0, stdout: output, stderr: '' }
        : { status: 1, stdout: '', stderr: '' };
    const info = await loadManagedSettings([registrySource(runReg)], (l) => logs.push(l));
    expect(logs).toEqual([]);
    expect(info.values).toEqual({
      serverUrl: 'https://auth.practice.example',
      updates: 'auto',
      updateUrl: 'https://updates.practice.example/wrsauth',
      allowRememberWorkstation: false,
      idleLockMinutes: 5,
      supportContact: 'IT help desk, ext. 4410',
      allowEmbeddedServer: false,
      practiceAppUrl: 'https://practice.example/login',
      practiceAppName: 'Practice Charts',
    });
  });

  it('offers exactly the update policies the client knows', () => {
    const updates = policyValues().find((value) => value.valueName === 'updates');
    expect(updates?.values).toEqual(['off', 'manual', 'auto']);
  });
});
