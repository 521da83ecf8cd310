/**
 * Optional Twilio Lookup (TWILIO_LOOKUP=on): when a cell phone is saved, ask what kind of line it is, so a
 * desk phone or an internet number typed in as a "cell phone" is caught before a code is lost to it.
 * GET {base}/v2/PhoneNumbers/{E.164}?Fields=line_type_intelligence, HTTP Basic auth. It only ever warns: a
 * Lookup that fails or is slow never stops a contact from being saved.
 */
import { Agent, request } from 'undici';
import type { TwilioConfig } from '../config';

const TIMEOUT_MS = 5_000;

/** Line types texts reach; everything else gets a warning. */
const TEXTABLE = new Set(['mobile']);

const LINE_WORDS: Record<string, string> = {
  landline: 'a landline',
  fixedVoip: 'an internet (VoIP) line tied to a place',
  nonFixedVoip: 'an internet (VoIP) number',
  tollFree: 'a toll-free number',
  premium: 'a premium-rate number',
  sharedCost: 'a shared-cost number',
  uan: 'a company switchboard number',
  voicemail: 'a voicemail number',
  pager: 'a pager',
  personal: 'a personal forwarding number',
  unknown: 'of an unknown kind',
};

export interface PhoneLookup {
  /** A warning to show whoever saves this number, or undefined when it looks like a cell phone. */
  warningFor(e164: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export class TwilioLookup implements PhoneLookup {
  private readonly agent = new Agent({
    connect: { timeout: TIMEOUT_MS },
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  private readonly authorization: string;

  constructor(
    private readonly base: string,
    config: Pick<TwilioConfig, 'accountSid' | 'authToken'>,
  ) {
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  }

  async warningFor(e164: string): Promise<string | undefined> {
    const url = `${this.base}/v2/PhoneNumbers/${encodeURIComponent(e164)}?Fields=line_type_intelligence`;
    let lineType: string | undefined;
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { authorization: this.authorization, accept: 'application/json' },
      });
      const body = (await response.body.json().catch(() => ({}))) as {
        valid?: boolean;
        line_type_intelligence?: { type?: string | null } | null;
      };
      if (response.statusCode !== 200) {
        return `Twilio Lookup could not check this number (it answered ${response.statusCode}); it was saved unchecked.`;
      }
      if (body.valid === false)
        return 'Twilio Lookup says this number is not valid; texts will not reach it.';
      lineType = body.line_type_intelligence?.type ?? 'unknown';
    } catch {
      return 'Twilio Lookup could not be reached; the number was saved unchecked.';
    }
    if (TEXTABLE.has(lineType)) return undefined;
    return `Twilio Lookup says this number is ${LINE_WORDS[lineType] ?? LINE_WORDS.unknown}: texts may not reach it. Use a cell phone, or rely on email.`;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
