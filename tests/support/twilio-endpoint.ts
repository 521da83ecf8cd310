/**
 * A local HTTP endpoint that speaks Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form fields, HTTP Basic auth), on loopback. Tests choose how it answers: accept, fail or hang.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  accountSid: string;
  username: string;
  password: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
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
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      endpoint.requests++;
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
      const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
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
      endpoint.messages.push({
        accountSid: match[1] ?? '',
        username: user ?? '',
        password: pass ?? '',
        to: form.get('To') ?? '',
        from: form.get('From'),
        messagingServiceSid: form.get('MessagingServiceSid'),
        body: form.get('Body') ?? '',
      });
      reply(201, { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', to: form.get('To') });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    behave(next: TwilioBehaviour) {
      behaviour = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
