/** The native "Verify it's you" chooser: one button per delivery target, and Cancel. */
import { BrowserWindow, dialog, type MessageBoxOptions } from 'electron';
import type { DeliveryTarget } from '../../shared/api';
import { handle } from './handle';

export function targetLabel(target: DeliveryTarget): string {
  if (target.channel === 'totp') return 'Authenticator app';
  return target.channel === 'sms' ? `Text message to ${target.masked}` : `Email to ${target.masked}`;
}

export function targetDialogOptions(targets: readonly DeliveryTarget[]): MessageBoxOptions {
  const buttons = [...targets.map(targetLabel), 'Cancel'];
  return {
    type: 'question',
    title: "Verify it's you",
    message: 'Choose where we should send your verification code:',
    buttons,
    noLink: true,
    defaultId: 0,
    cancelId: buttons.length - 1,
  };
}

/** The clicked button's target id; Cancel, Escape or closing the box give null. */
export function targetFromResponse(targets: readonly DeliveryTarget[], response: number): string | null {
  return targets[response]?.id ?? null;
}

export function initialize(): void {
  handle('chooseTarget', async ({ targets }, event) => {
    const options = targetDialogOptions(targets);
    const window = BrowserWindow.fromWebContents(event.sender);
    const { response } = window
      ? await dialog.showMessageBox(window, options)
      : await dialog.showMessageBox(options);
    return targetFromResponse(targets, response);
  });
}
