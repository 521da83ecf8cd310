/**
 * The practice application in the window (practice-app.ts): the renderer opens it after the location step
 * and hides it on leaving, locking or signing out; the idle lock asks when it was last used.
 */
import type { PracticeAppController } from '../practice-app';
import { handle } from './handle';

export function initialize(practiceApp: PracticeAppController): void {
  handle('getPracticeApp', () => practiceApp.describe());
  handle('openPracticeApp', async (signIn) => ({ opened: await practiceApp.open(signIn) }));
  handle('hidePracticeApp', async ({ reason }) => {
    if (reason === 'away') practiceApp.hide();
    else if (reason === 'lock') practiceApp.lock();
    else await practiceApp.close();
  });
  handle('getPracticeAppActivity', () => ({ lastInputAt: practiceApp.lastInputAt() }));
}
