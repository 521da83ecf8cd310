import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryTarget } from '../../src/shared/api';
import { BrowserWindow, dialog, ipcMain } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const dialogChannel = await import('../../src/main/ipc/dialog');

vi.spyOn(console, 'warn').mockImplementation(() => {});

const targets: DeliveryTarget[] = [
  { id: 'tgt-sms', channel: 'sms', masked: '••• - ••• - 3816' },
  { id: 'tgt-email', channel: 'email', masked: 'cki•••wrshealth.com' },
];
const fromApp = { senderFrame: { url: 'app://wrsauth/index.html' }, sender: { id: 1 } };

function choose(input: unknown, event: unknown = fromApp) {
  const listener = ipcMain.handlers.get('dialog:choose-target');
  if (!listener) throw new Error('no chooseTarget handler');
  return Promise.resolve(listener(event, input));
}

beforeEach(() => {
  ipcMain.handlers.clear();
  dialog.showMessageBox.mockReset();
  BrowserWindow.fromWebContents.mockReset();
  BrowserWindow.fromWebContents.mockReturnValue(null);
  dialogChannel.initialize();
});

describe('the native target chooser', () => {
  it("shows one button per masked target in the seed's words, then Cancel, with noLink, defaultId and cancelId", async () => {
    dialog.showMessageBox.mockResolvedValue({ response: 0, checkboxChecked: false });
    await choose({ targets });
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox.mock.calls[0]?.at(-1)).toEqual({
      type: 'question',
      title: "Verify it's you",
      message: 'Choose where we should send your verification code:',
      buttons: ['Text message to ••• - ••• - 3816', 'Email to cki•••wrshealth.com', 'Cancel'],
      noLink: true,
      defaultId: 0,
      cancelId: 2,
    });
  });

  it('puts Cancel last and points cancelId at it for any number of targets', () => {
    const one = dialogChannel.targetDialogOptions([targets[1] as DeliveryTarget]);
    expect(one.buttons).toEqual(['Email to cki•••wrshealth.com', 'Cancel']);
    expect(one.cancelId).toBe(1);
  });

  it('answers the id of the clicked target', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await expect(choose({ targets })).resolves.toBe('tgt-email');
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    await expect(choose({ targets })).resolves.toBe('tgt-sms');
  });

  it('answers null when the user cancels (Cancel, Escape or closing the box)', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    await expect(choose({ targets })).resolves.toBeNull();
  });

  it('opens the box modal to the window that asked', async () => {
    const window = new BrowserWindow({});
    BrowserWindow.fromWebContents.mockReturnValue(window);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    await choose({ targets });
    expect(BrowserWindow.fromWebContents).toHaveBeenCalledWith(fromApp.sender);
    expect(dialog.showMessageBox.mock.calls[0]?.[0]).toBe(window);
  });

  it('refuses an empty target list or a target without the contract fields, showing no dialog', async () => {
    await expect(choose({ targets: [] })).rejects.toThrow('refused');
    await expect(choose({ targets: [{ id: 'x', channel: 'fax', masked: '1' }] })).rejects.toThrow('refused');
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('refuses a caller from another origin, showing no dialog', async () => {
    await expect(
      choose({ targets }, { senderFrame: { url: 'https://evil.example/' }, sender: {} }),
    ).rejects.toThrow('refused');
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });
});
