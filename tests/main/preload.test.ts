import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcContract } from '../../src/shared/ipc';
import * as fakeElectron from './fake-electron';
import { contextBridge, ipcRenderer } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const contractNames = Object.keys(ipcContract).sort();
const PRELOAD_SOURCE = path.resolve(import.meta.dirname, '../../src/preload/index.ts');

await import('../../src/preload/index');
const exposeCalls = [...contextBridge.exposeInMainWorld.mock.calls];

beforeEach(() => {
  ipcRenderer.invoke.mockClear();
});

async function loadPreload() {
  expect(exposeCalls).toHaveLength(1);
  const [key, api] = exposeCalls[0] as [string, Record<string, unknown>];
  return { key, api };
}

describe('the preload', () => {
  it('exposes exactly one object, window.wrsauth, with exactly the contract function names', async () => {
    const { key, api } = await loadPreload();
    expect(key).toBe('wrsauth');
    expect(Object.keys(api).sort()).toEqual(contractNames);
    for (const name of contractNames) expect(typeof api[name], name).toBe('function');
  });

  it('never exposes ipcRenderer or any of its methods', async () => {
    const { api } = await loadPreload();
    const values = Object.values(api);
    expect(values).not.toContain(ipcRenderer);
    for (const method of Object.values(ipcRenderer)) expect(values).not.toContain(method);
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|send|on\b|invoke/i);
  });

  it("invokes each function's contract channel with its one argument, and nothing else", async () => {
    const { api } = await loadPreload();
    const input = { username: 'ckim' };
    for (const name of contractNames) {
      ipcRenderer.invoke.mockClear();
      await (api[name] as (...args: unknown[]) => Promise<unknown>)(input, 'extra argument');
      expect(ipcRenderer.invoke, name).toHaveBeenCalledExactlyOnceWith(
        ipcContract[name as keyof typeof ipcContract].channel,
        input,
      );
    }
  });

  it('runs as sandboxed CommonJS: no import.meta, no top-level await, requires only electron', () => {
    const source = fs.readFileSync(PRELOAD_SOURCE, 'utf8');
    const { outputText, diagnostics } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        removeComments: true,
      },
      reportDiagnostics: true,
    });
    expect(diagnostics ?? []).toEqual([]);
    expect(outputText).not.toContain('import.meta');

    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return {
        ...fakeElectron,
        contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      };
    };
    const module = { exports: {} };
    // A plain function body: top-level await would be a syntax error here, as it is in a CommonJS preload.
    vm.runInNewContext(`(function (require, module, exports) {${outputText}\n})`)(
      sandboxRequire,
      module,
      module.exports,
    );
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['wrsauth']);
    expect(Object.keys(exposed.wrsauth as object).sort()).toEqual(contractNames);
  });
});
