/** Reads the codes the harness's SMTP server and Twilio-compatible endpoint received. */
import { codeIn } from '../support/smtp-catcher';
import { expect } from './fixtures';
import { E2E_INSPECTION_URL } from './world';

interface Outbox {
  sms: Array<{ to: string; body: string }>;
  email: Array<{ to: string[]; raw: string }>;
}

export type Contact = { channel: 'sms'; phone: string } | { channel: 'email'; email: string };

async function messagesTo(contact: Contact): Promise<string[]> {
  const response = await fetch(`${E2E_INSPECTION_URL}/__e2e/messages`);
  if (!response.ok) throw new Error(`e2e outbox answered ${response.status}`);
  const outbox = (await response.json()) as Outbox;
  if (contact.channel === 'sms') return outbox.sms.filter((m) => m.to === contact.phone).map((m) => m.body);
  return outbox.email.filter((m) => m.to.includes(contact.email)).map((m) => m.raw);
}

/**
 * Notes how many messages the contact has had, and returns a function that waits for the next one and
 * gives its 6-digit code. Call it before the click that sends the code.
 */
export async function expectCodeTo(contact: Contact): Promise<() => Promise<string>> {
  const before = (await messagesTo(contact)).length;
  return async () => {
    let messages: string[] = [];
    await expect
      .poll(
        async () => {
          messages = await messagesTo(contact);
          return messages.length;
        },
        { message: `a new code sent to ${JSON.stringify(contact)}`, timeout: 15_000 },
      )
      .toBeGreaterThan(before);
    return codeIn(messages[before] as string);
  };
}

/** Waits for a message to the contact that matches `text` (a security notice), and gives it. */
export async function expectNoticeTo(contact: Contact, text: RegExp): Promise<string> {
  let notice: string | undefined;
  await expect
    .poll(
      async () => {
        notice = (await messagesTo(contact)).find((message) => text.test(message));
        return notice !== undefined;
      },
      { message: `a notice ${text} to ${JSON.stringify(contact)}`, timeout: 15_000 },
    )
    .toBe(true);
  return notice as string;
}

/** Six digits that are surely not the code: every digit moved by one. */
export const wrongCodeFor = (code: string): string =>
  code.replace(/\d/g, (digit) => String((Number(digit) + 1) % 10));
