/**
 * The one way a main-process IPC handler is registered. Every call is checked three times, from the
 * contract in src/shared/ipc.ts: the sender is a frame of the app's own origin, the input parses with the
 * contract's schema, and so does the answer.
 */
import { type IpcMainInvokeEvent, ipcMain } from 'electron';
import type { z } from 'zod';
import { type IpcContract, type IpcName, ipcContract } from '../../shared/ipc';
import { isAppPage } from '../security';

export type IpcInput<K extends IpcName> = z.output<IpcContract[K]['input']>;
export type IpcOutput<K extends IpcName> = z.input<IpcContract[K]['output']>;
export type IpcImpl<K extends IpcName> = (
  input: IpcInput<K>,
  event: IpcMainInvokeEvent,
) => IpcOutput<K> | Promise<IpcOutput<K>>;

/** Thrown to the renderer. Its message is deliberately short: no schema details, no values. */
export class IpcRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IpcRefused';
  }
}

/** A frame may call only when it still exists and shows a page of the app (isAppPage). */
export function senderIsTrusted(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame !== undefined && isAppPage(frame.url);
}

export function handle<K extends IpcName>(name: K, impl: IpcImpl<K>): void {
  const entry = ipcContract[name];
  ipcMain.handle(entry.channel, async (event, raw: unknown) => {
    if (!senderIsTrusted(event)) {
      console.warn(
        `[ipc] ${name}: refused a call from ${event.senderFrame?.url ? 'another origin' : 'no frame'}`,
      );
      throw new IpcRefused('refused');
    }
    const input = entry.input.safeParse(raw);
    if (!input.success) {
      // Only the field paths: a value could be a device token.
      const fields = input.error.issues.map((issue) => issue.path.join('.') || '(input)').join(', ');
      console.warn(`[ipc] ${name}: refused invalid input (${fields})`);
      throw new IpcRefused(`refused: invalid input for ${name}`);
    }
    const result = await impl(input.data as IpcInput<K>, event);
    const output = entry.output.safeParse(result);
    if (!output.success) {
      console.error(`[ipc] ${name}: the handler's answer does not match the contract`);
      throw new IpcRefused(`internal error in ${name}`);
    }
    return output.data;
  });
}
