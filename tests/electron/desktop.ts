/**
 * The desktop client under Playwright's `_electron`: the built app (out/main) on the Electron binary that
 * scripts/electron-e2e.mjs found, pointed at the e2e world's server, with a fresh userData folder per test.
 * The native "Verify it's you" dialog is replaced in the main process (Playwright cannot click OS dialogs),
 * and every call to it is recorded so a spec can check what the user would have been shown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { _electron, test as base, type ElectronApplication, expect, type Page } from '@playwright/test';
import type { MessageBoxOptions } from 'electron';
import { onScreen } from '../e2e/fixtures';
import { CODE_ENTRY, smsTarget } from '../e2e/flows';
import { expectCodeTo } from '../e2e/outbox';
import { E2E_BASE_URL } from '../e2e/world';

export { expect };

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface Desktop {
  app: ElectronApplication;
  /** The one application window. */
  window: Page;
}

interface DesktopFixtures {
  /**
   * Starts the desktop client. Every launch in a test shares that test's userData folder, so a second
   * launch is the same workstation after a restart. `env` adds to the app's environment (a development
   * run's WRSAUTH_PRACTICE_APP_URL, say).
   */
  launchDesktop: (env?: Record<string, string>) => Promise<Desktop>;
  /** The first launch. */
  desktop: Desktop;
}

/** The environment the app starts in: this one, with the e2e world's server and a userData of its own. */
function desktopEnvironment(configHome: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  // The first source server-selection.ts reads.
  env.WRSAUTH_SERVER_URL = E2E_BASE_URL;
  // Electron's appData on Linux; userData is <appData>/wrsauth. A folder per test keeps the single-instance
  // lock and settings away from a WRSAuth the developer may have running.
  env.XDG_CONFIG_HOME = configHome;
  return env;
}

export const test = base.extend<DesktopFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  launchDesktop: async ({}, use, testInfo) => {
    const executablePath = process.env.WRSAUTH_ELECTRON_BINARY;
    if (!executablePath) {
      throw new Error(
        'WRSAUTH_ELECTRON_BINARY is not set: run this suite with node scripts/electron-e2e.mjs',
      );
    }
    const configHome = testInfo.outputPath('config-home');
    fs.mkdirSync(configHome, { recursive: true });
    const launched: ElectronApplication[] = [];
    const problems: string[] = [];
    const mainLog: string[] = [];

    await use(async (env = {}) => {
      const app = await _electron.launch({
        executablePath,
        args: [REPO_ROOT],
        cwd: REPO_ROOT,
        env: { ...desktopEnvironment(configHome), ...env },
      });
      launched.push(app);
      app.on('console', (message) => mainLog.push(`[main ${message.type()}] ${message.text()}`));
      app.process().stderr?.on('data', (chunk: Buffer) => mainLog.push(chunk.toString().trimEnd()));

      const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
      expect(
        userData,
        "userData must be this test's own folder (set through XDG_CONFIG_HOME, so Linux only)",
      ).toContain(configHome);
      const window = await app.firstWindow();
      window.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
      });
      window.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
      return { app, window };
    });

    for (const app of launched) await app.close().catch(() => undefined);
    if (testInfo.status !== testInfo.expectedStatus && mainLog.length > 0) {
      await testInfo.attach('main process log', { body: mainLog.join('\n'), contentType: 'text/plain' });
    }
    expect(problems, 'console errors and page errors in the window').toEqual([]);
  },
  desktop: async ({ launchDesktop }, use) => {
    await use(await launchDesktop());
  },
});

/** What one call of dialog.showMessageBox was given. */
export interface TargetDialogCall {
  options: Pick<
    MessageBoxOptions,
    'type' | 'title' | 'message' | 'buttons' | 'noLink' | 'defaultId' | 'cancelId'
  >;
  /** Shown as a sheet/modal of the app's window rather than free-floating. */
  attachedToWindow: boolean;
}

/**
 * Replaces dialog.showMessageBox in the main process: it records its options and answers as if the user
 * clicked the button with this text ('Cancel' for Cancel; a text that is not offered also cancels).
 */
export async function answerTargetDialog(app: ElectronApplication, button: string): Promise<void> {
  await app.evaluate(({ dialog }, buttonText) => {
    const store = globalThis as unknown as { __wrsauthDialogCalls?: unknown[] };
    store.__wrsauthDialogCalls ??= [];
    const calls = store.__wrsauthDialogCalls;
    dialog.showMessageBox = async (...args: unknown[]) => {
      const options = args[args.length - 1] as MessageBoxOptions;
      const { type, title, message, buttons, noLink, defaultId, cancelId } = options;
      calls.push({
        options: { type, title, message, buttons, noLink, defaultId, cancelId },
        attachedToWindow: args.length > 1,
      });
      const clicked = (buttons ?? []).indexOf(buttonText);
      return { response: clicked === -1 ? (options.cancelId ?? -1) : clicked, checkboxChecked: false };
    };
  }, button);
}

/** Every call of the replaced dialog so far, across answerTargetDialog calls. */
export async function targetDialogCalls(app: ElectronApplication): Promise<TargetDialogCall[]> {
  return app.evaluate(
    () => (globalThis as unknown as { __wrsauthDialogCalls?: TargetDialogCall[] }).__wrsauthDialogCalls ?? [],
  );
}

/** Send Code, answered with the text-message button; lands on code entry and returns the texted code. */
export async function sendCodeByTextMessage(desktop: Desktop, phone: string): Promise<string> {
  await answerTargetDialog(desktop.app, smsTarget(phone));
  const nextCode = await expectCodeTo({ channel: 'sms', phone });
  await desktop.window.getByRole('button', { name: 'Send Code' }).click();
  await onScreen(desktop.window, CODE_ENTRY);
  return nextCode();
}
