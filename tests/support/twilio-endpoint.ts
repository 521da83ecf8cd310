/**
 * A local HTTP endpoint that speaks Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form fields, HTTP Basic auth), on loopback. Tests choose how it answers: accept, fail or hang.
 *
 * Like Twilio, it reports each accepted text's fate to the message's StatusCallback, form-encoded and signed
 * with X-Twilio-Signature over that URL. The callback URL is the public one a deployment configures; the
 * request goes to `relayCallbacksTo(serverUrl)` instead, as a reverse proxy would pass it on, so nothing
 * leaves loopback.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../server/delivery/twilio-signature';

export interface ReceivedSms {
  accountSid: string;
  username: string;
  password: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  sid: string;
  statusCallback: string | null;
}

/** What Twilio reports for a text in the end: delivered, or undelivered/failed with an error code. */
export interface TwilioReport {
  status: 'delivered' | 'undelivered' | 'failed';
  errorCode?: string;
}

export type TwilioBehaviour =
  | { kind: 'accept' }
  | { kind: 'fail'; status: number; code?: number }
  | { kind: 'hang' };

export interface TwilioEndpoint {
  url: string;
  accountSid: string;
  authToken: string;
  fromNumber: string;
  messages: ReceivedSms[];
  /** Every request, including failed ones, in order. */
  requests: number;
  behave(behaviour: TwilioBehaviour): void;
  /** Where callbacks are posted: the server's own URL, standing in for the public host. */
  relayCallbacksTo(serverUrl: string): void;
  /** From now on, accepted texts are not reported on their own; a test reports them with `report`. */
  holdReports(): void;
  /** The final report for texts to this number (default: delivered). */
  reportFor(to: string, report: TwilioReport): void;
  /** Posts one signed status callback for a message now; resolves to the server's HTTP status. */
  report(message: ReceivedSms, status: string, errorCode?: string): Promise<number>;
  /** Twilio Lookup: the line type per number (unlisted numbers are mobile), and the lookups asked. */
  lineTypes: Map<string, string>;
  lookups: { number: string; fields: string | null; authorized: boolean }[];
  /** Callbacks the server answered, in order, with its HTTP status. */
  callbacks: { sid: string; status: string; httpStatus: number }[];
  close(): Promise<void>;
}

export async function startTwilioEndpoint(): Promise<TwilioEndpoint> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  let behaviour: TwilioBehaviour = { kind: 'accept' };
  const endpoint = {
    accountSid,
    authToken,
    fromNumber: '+12025550100',
    messages: [] as ReceivedSms[],
    requests: 0,
  };
  const hanging = new Set<http.ServerResponse>();
  const reports = new Map<string, TwilioReport>();
  const callbacks: { sid: string; status: string; httpStatus: number }[] = [];
  const lineTypes = new Map<string, string>();
  const lookups: { number: string; fields: string | null; authorized: boolean }[] = [];
  let relayBase: string | undefined;
  let autoReport = true;

  const report = async (message: ReceivedSms, status: string, errorCode?: string): Promise<number> => {
    if (!message.statusCallback || !relayBase) throw new Error('no status callback to report to');
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: message.from ?? '',
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    };
    const publicUrl = new URL(message.statusCallback);
    const response = await fetch(`${relayBase}${publicUrl.pathname}${publicUrl.search}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(authToken, message.statusCallback, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    await response.arrayBuffer();
    callbacks.push({ sid: message.sid, status, httpStatus: response.status });
    return response.status;
  };

  /** What Twilio does after accepting a text: "sent", then the final word. */
  const reportLater = async (message: ReceivedSms) => {
    const final = reports.get(message.to) ?? { status: 'delivered' };
    try {
      await report(message, 'sent');
      await report(message, final.status, final.errorCode);
    } catch {
      // The server went away mid-test; Twilio too would just give up.
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      endpoint.requests++;
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
      const lookup = /^\/v2\/PhoneNumbers\/([^/?]+)/.exec(req.url ?? '');
      const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && lookup) {
        const number = decodeURIComponent(lookup[1] ?? '');
        const authorized = user === accountSid && pass === authToken;
        const fields = new URL(req.url ?? '', 'http://127.0.0.1').searchParams.get('Fields');
        lookups.push({ number, fields, authorized });
        if (!authorized) return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
        if (behaviour.kind === 'fail')
          return reply(behaviour.status, { code: 20500, status: behaviour.status });
        const type = lineTypes.get(number) ?? 'mobile';
        return reply(200, {
          phone_number: number,
          valid: type !== 'invalid',
          line_type_intelligence: type === 'invalid' ? null : { type, error_code: null },
        });
      }
      if (req.method !== 'POST' || !match)
        return reply(404, { code: 20404, message: 'not found', status: 404 });
      if (user !== accountSid || pass !== authToken || match[1] !== accountSid) {
        return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      if (behaviour.kind === 'hang') {
        hanging.add(res);
        return;
      }
      if (behaviour.kind === 'fail') {
        return reply(behaviour.status, {
          code: behaviour.code ?? 20500,
          message: 'failure',
          status: behaviour.status,
        });
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const message: ReceivedSms = {
        accountSid: match[1] ?? '',
        username: user ?? '',
        password: pass ?? '',
        to: form.get('To') ?? '',
        from: form.get('From'),
        messagingServiceSid: form.get('MessagingServiceSid'),
        body: form.get('Body') ?? '',
        sid,
        statusCallback: form.get('StatusCallback'),
      };
      endpoint.messages.push(message);
      reply(201, { sid, status: 'queued', to: form.get('To') });
      if (message.statusCallback && relayBase && autoReport) setTimeout(() => void reportLater(message), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    callbacks,
    lineTypes,
    lookups,
    behave(next: TwilioBehaviour) {
      behaviour = next;
    },
    relayCallbacksTo(serverUrl: string) {
      relayBase = serverUrl;
    },
    holdReports() {
      autoReport = false;
    },
    reportFor(to: string, next: TwilioReport) {
      reports.set(to, next);
    },
    report,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
