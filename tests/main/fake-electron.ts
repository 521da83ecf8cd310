/**
 * A stand-in for the `electron` module (the binary cannot run here). Each test file mocks electron with
 * `vi.mock('electron', () => import('./fake-electron'))` and inspects what the code under test registered.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Invoke = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, Invoke>(),
  handle: vi.fn((channel: string, listener: Invoke) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcMain.handlers.set(channel, listener);
  }),
};

export const dialog = {
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
  showErrorBox: vi.fn(),
};

export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = {
  invoke: vi.fn(async (..._args: unknown[]) => undefined),
  send: vi.fn(),
  on: vi.fn(),
};
export const utilityProcess = { fork: vi.fn() };
export const shell = { openExternal: vi.fn() };

export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };

/** A session: the default one, and the practice application's partition (practice-view.ts). */
export class FakeSession extends EventEmitter {
  readonly setPermissionRequestHandler = vi.fn();
  readonly setPermissionCheckHandler = vi.fn();
  readonly setDevicePermissionHandler = vi.fn();
  readonly clearStorageData = vi.fn(async () => undefined);
  readonly clearCache = vi.fn(async () => undefined);
}

const partitions = new Map<string, FakeSession>();

export const session = {
  defaultSession: new FakeSession(),
  fromPartition: vi.fn((partition: string) => {
    const existing = partitions.get(partition) ?? new FakeSession();
    partitions.set(partition, existing);
    return existing;
  }),
};

export const net = { fetch: vi.fn(async (..._args: unknown[]) => new Response(null, { status: 204 })) };

export class WebContentsView {
  readonly webContents = new FakeWebContents();
  constructor(readonly options: Record<string, unknown>) {}
}

export class FakeWebContents extends EventEmitter {
  readonly reload = vi.fn();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static fromWebContents = vi.fn((_contents: unknown): BrowserWindow | null => null);
  readonly webContents = new FakeWebContents();
  minimized = false;
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  readonly show = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
  isMinimized() {
    return this.minimized;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstance = true;
  private readyResolve!: () => void;
  private ready = this.freshReady();
  private freshReady() {
    return new Promise<void>((resolve) => {
      this.readyResolve = resolve;
    });
  }
  /** Back to a not-yet-ready app with no listeners, for a test that launches the entry again. */
  reset() {
    this.removeAllListeners();
    this.isPackaged = false;
    this.singleInstance = true;
    this.ready = this.freshReady();
    this.quit.mockClear();
    this.exit.mockClear();
  }
  readonly requestSingleInstanceLock = vi.fn(() => this.singleInstance);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly getPath = vi.fn((_name: string) => '/nonexistent/wrsauth-user-data');
  readonly getAppPath = vi.fn(() => process.cwd());
  readonly getVersion = vi.fn(() => '0.1.0');
  whenReady() {
    return this.ready;
  }
  fireReady() {
    this.readyResolve();
  }
}

export const app = new FakeApp();

/** Forgets everything the code under test registered or created. */
export function resetFakeElectron() {
  app.reset();
  ipcMain.handlers.clear();
  BrowserWindow.instances.length = 0;
  for (const fn of [
    protocol.registerSchemesAsPrivileged,
    protocol.handle,
    session.defaultSession.setPermissionRequestHandler,
    session.defaultSession.setPermissionCheckHandler,
    session.defaultSession.setDevicePermissionHandler,
    shell.openExternal,
  ]) {
    fn.mockClear();
  }
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  protocol,
  session,
  shell,
  utilityProcess,
};
