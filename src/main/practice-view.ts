/**
 * The practice application's view in the app window: a WebContentsView (Electron's successor to the
 * deprecated BrowserView) under the renderer's bar, in its own in-memory partition, with no preload, the
 * same sandbox as the window, every permission denied, downloads refused, and navigation held to two
 * origins (practice-app.ts). index.ts leaves its web contents out of the app-page rules for that reason.
 */
import { type BrowserWindow, type Session, session, type WebContents, WebContentsView } from 'electron';
import {
  hardenPracticeContents,
  PRACTICE_BAR_HEIGHT,
  PRACTICE_PARTITION,
  type PracticeContentsEvents,
  type PracticeLoad,
  type PracticeOrigins,
  type PracticeView,
  type PracticeViewEvents,
} from './practice-app';
import { denyAllPermissions } from './security';

/** Room the practice application needs; the sign-in window is sized for a form. */
const PRACTICE_MIN_WIDTH = 1100;
const PRACTICE_MIN_HEIGHT = 760;

let partitionReady: Session | undefined;

/** The partition's session, with its permissions and downloads refused once. */
export function practiceSession(): Session {
  if (partitionReady) return partitionReady;
  const partition = session.fromPartition(PRACTICE_PARTITION);
  denyAllPermissions(partition);
  // A record saved to a shared front-desk computer outlives the sign-in; the application prints instead.
  partition.on('will-download', (event) => {
    event.preventDefault();
    console.warn('[practice] refused a download');
  });
  partitionReady = partition;
  return partition;
}

/** Whether a web contents belongs to the practice application (its partition), not to the app's pages. */
export function isPracticeContents(contents: WebContents): boolean {
  return contents.session === practiceSession();
}

export function createPracticeView(
  window: BrowserWindow,
  origins: PracticeOrigins,
  events: PracticeViewEvents,
): PracticeView {
  practiceSession();
  const view = new WebContentsView({
    webPreferences: {
      partition: PRACTICE_PARTITION,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = view.webContents;
  hardenPracticeContents(contents as unknown as PracticeContentsEvents, origins);
  contents.on('did-navigate', (_event, url) => void events.navigated(url));
  contents.on('input-event', () => events.input());

  const [width = 0, height = 0] = window.getContentSize();
  if (width < PRACTICE_MIN_WIDTH || height < PRACTICE_MIN_HEIGHT) {
    window.setContentSize(Math.max(width, PRACTICE_MIN_WIDTH), Math.max(height, PRACTICE_MIN_HEIGHT));
    window.center();
  }
  const fitUnderBar = () => {
    const [w = 0, h = 0] = window.getContentSize();
    view.setBounds({ x: 0, y: PRACTICE_BAR_HEIGHT, width: w, height: Math.max(0, h - PRACTICE_BAR_HEIGHT) });
  };
  fitUnderBar();
  window.on('resize', fitUnderBar);
  window.contentView.addChildView(view);

  return {
    load({ url, form }: PracticeLoad) {
      const options = form && {
        postData: [{ type: 'rawData' as const, bytes: Buffer.from(new URLSearchParams(form).toString()) }],
        extraHeaders: 'Content-Type: application/x-www-form-urlencoded\n',
      };
      // A refused or aborted load rejects; the page shows Chromium's error and the log says which origin.
      contents.loadURL(url, options).catch((error: unknown) => {
        console.warn(
          `[practice] a load did not finish: ${error instanceof Error ? error.message.split(' (')[0] : 'error'}`,
        );
      });
    },
    setVisible(visible: boolean) {
      view.setVisible(visible);
    },
    destroy() {
      window.off('resize', fitUnderBar);
      if (!window.isDestroyed()) window.contentView.removeChildView(view);
      if (!contents.isDestroyed()) contents.close();
    },
  };
}
