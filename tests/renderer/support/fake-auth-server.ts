/**
 * A small in-memory verification server for the renderer tests, speaking only through MSW handlers
 * that parse every request and every response with the shared contract (src/shared/api.ts). If the
 * client or the contract drifts, the handler records a violation and the test fails.
 */
import { type HttpHandler, HttpResponse, http, type JsonBodyType } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import type { z } from 'zod';
import {
  API_PREFIX,
  ApiError,
  Authenticated,
  ChallengeIssued,
  type Channel,
  CodeSent,
  DeliveryStatus,
  type DeliveryTarget,
  ErrorCode,
  type Location,
  LoginRequest,
  LoginResponse,
  Me,
  type PasswordResetCode,
  type SelfServiceReset,
  SendCodeRequest,
  type User,
  VerifyCodeRequest,
} from '../../../src/shared/api';
import { passwordResetHandlers } from './fake-password-reset';
import { type FakeSettings, settingsHandlers } from './fake-settings';

/** Loopback only: the tests never name another host. */
export const SERVER_URL = 'http://127.0.0.1:4580';
export const apiUrl = (path: string) => `${SERVER_URL}${API_PREFIX}${path}`;

export const SMS_TARGET: DeliveryTarget = { id: 'sms', channel: 'sms', masked: '••• - ••• - 3816' };
export const EMAIL_TARGET: DeliveryTarget = { id: 'email', channel: 'email', masked: 'cki•••wrshealth.com' };
export const MAIN_OFFICE: Location = { id: 'loc-main', name: 'Main Office' };
export const NORTH_CLINIC: Location = { id: 'loc-north', name: 'North Clinic' };

export const CASEY: User = {
  id: 'user-1',
  username: 'ckiplock',
  firstName: 'Casey',
  lastName: 'Kiplock',
  role: 'staff',
};
export const PASSWORD = 'frontDesk2026';
export const RIGHT_CODE = '123456';

export interface PracticeSetup {
  user: User;
  password: string;
  targets: DeliveryTarget[];
  locations: Location[];
  setupRecommended?: boolean;
  /** Seconds until the next code may go to the same target. */
  resendAfter: number;
  /** Milliseconds from now until a session's 12-hour end. */
  sessionMs: number;
  /** The practice's remember-days; 0 means it remembers no workstation (the challenge then omits it). */
  rememberDays: number;
  /** The practice's idle lock, on every authenticated answer. */
  idleLockMinutes: number;
  /** "Forgot your password?" for a user with one factor (every reset is a decoy when `off`). */
  selfServiceReset: SelfServiceReset;
}

interface Recorded {
  login: LoginRequest[];
  send: Array<{ challengeId: string } & SendCodeRequest>;
  verify: Array<{ challengeId: string } & VerifyCodeRequest>;
  me: string[];
  logout: string[];
  delivery: string[];
  resetStart: string[];
  resetSend: string[];
  resetVerify: PasswordResetCode[];
  resetPassword: string[];
}

/** One answer of the delivery poll: what the provider has said so far. */
export type DeliveryReport = Pick<DeliveryStatus, 'status' | 'final' | 'message'>;

const TEN_MINUTES = 10 * 60 * 1000;

export class FakeAuthServer {
  readonly practice: PracticeSetup;
  readonly calls: Recorded = {
    login: [],
    send: [],
    verify: [],
    me: [],
    logout: [],
    delivery: [],
    resetStart: [],
    resetSend: [],
    resetVerify: [],
    resetPassword: [],
  };
  /** Requests or responses that broke the shared contract. */
  readonly violations: string[] = [];
  readonly trustedDevices = new Set<string>();
  /** Makes every password reset so far expire, as 15 minutes would. */
  readonly expireResets: () => void;
  readonly liveSessions = new Set<string>();
  /** My settings: the profile, banner data, workstations and factors the /me routes answer with. */
  readonly settings: FakeSettings;
  private challenges = new Map<
    string,
    {
      attemptsRemaining: number;
      sentAt: Map<string, number>;
      lastSent?: DeliveryTarget & { channel: Channel };
    }
  >();
  /** Successive poll answers per channel; the last one repeats. Unset: sent, and nothing more to come. */
  private deliveryReports = new Map<Channel, DeliveryReport[]>();
  private counter = 0;

  constructor(
    private readonly msw: SetupServer,
    practice: Partial<PracticeSetup> = {},
  ) {
    this.practice = {
      user: CASEY,
      password: PASSWORD,
      targets: [SMS_TARGET, EMAIL_TARGET],
      locations: [MAIN_OFFICE],
      resendAfter: 30,
      sessionMs: 12 * 60 * 60 * 1000,
      rememberDays: 30,
      idleLockMinutes: 15,
      selfServiceReset: 'two_factors',
      ...practice,
    };
    const resets = passwordResetHandlers(this);
    this.expireResets = resets.expireAll;
    const settings = settingsHandlers(this);
    this.settings = settings.state;
    msw.use(...this.handlers(), ...resets.handlers, ...settings.handlers);
  }

  /** Answers the next call(s) to a route with an error, parsed as the contract's ApiError; records the call. */
  failNext(route: 'login' | 'send' | 'verify' | 'me', status: number, error: ApiError, times = 1) {
    let left = times;
    const respond = () => this.reply(ApiError, error, status);
    const once =
      <T>(record: () => Promise<T>) =>
      async (): Promise<Response | undefined> => {
        if (left <= 0) return undefined;
        left -= 1;
        await record();
        return respond();
      };
    const handlers = {
      login: http.post(apiUrl('/auth/login'), ({ request }) =>
        once(async () => {
          const body = await this.parseRequest(LoginRequest, request);
          if (body) this.calls.login.push(body);
        })(),
      ),
      send: http.post(apiUrl('/auth/challenges/:id/send'), ({ request, params }) =>
        once(async () => {
          const body = await this.parseRequest(SendCodeRequest, request);
          if (body) this.calls.send.push({ challengeId: String(params.id), ...body });
        })(),
      ),
      verify: http.post(apiUrl('/auth/challenges/:id/verify'), ({ request, params }) =>
        once(async () => {
          const body = await this.parseRequest(VerifyCodeRequest, request);
          if (body) this.calls.verify.push({ challengeId: String(params.id), ...body });
        })(),
      ),
      me: http.get(apiUrl('/me'), ({ request }) =>
        once(async () => {
          this.calls.me.push(bearerOf(request) ?? '');
        })(),
      ),
    };
    this.msw.use(handlers[route]);
  }

  /** What the delivery poll answers for codes sent on this channel, poll after poll. */
  reportDelivery(channel: Channel, ...reports: DeliveryReport[]) {
    this.deliveryReports.set(channel, reports);
  }

  /** Every later request fails as if the network were down. */
  networkDown() {
    this.msw.use(http.all(`${SERVER_URL}/*`, () => HttpResponse.error()));
  }

  /** Replaces the practice's answer to a successful login with this exact one. */
  loginAnswers(response: LoginResponse) {
    this.msw.use(http.post(apiUrl('/auth/login'), () => this.reply(LoginResponse, response)));
  }

  /** More handlers for one test file's routes or cases, ahead of the standard ones. */
  use(...handlers: HttpHandler[]) {
    this.msw.use(...handlers);
  }

  authenticated(extra: Partial<Authenticated> = {}): Authenticated {
    const sessionToken = `session-${++this.counter}`;
    this.liveSessions.add(sessionToken);
    return {
      status: 'authenticated',
      sessionToken,
      expiresAt: new Date(Date.now() + this.practice.sessionMs).toISOString(),
      user: this.practice.user,
      locations: this.practice.locations,
      ...(this.practice.setupRecommended ? { setupRecommended: true } : {}),
      idleLockMinutes: this.practice.idleLockMinutes,
      ...extra,
    };
  }

  reply<S extends z.ZodType>(schema: S, body: z.input<S>, status = 200) {
    const parsed = schema.safeParse(body);
    if (!parsed.success) this.violations.push(`response ${status}: ${parsed.error.message}`);
    return HttpResponse.json((parsed.success ? parsed.data : body) as JsonBodyType, { status });
  }

  async parseRequest<S extends z.ZodType>(schema: S, request: Request): Promise<z.output<S> | undefined> {
    const parsed = schema.safeParse(await request.json().catch(() => undefined));
    if (parsed.success) return parsed.data;
    this.violations.push(`request ${request.url}: ${parsed.error.message}`);
    return undefined;
  }

  private badRequest() {
    return this.reply(ApiError, { error: ErrorCode.badRequest, message: 'The request is not valid.' }, 400);
  }

  private unauthorized() {
    return this.reply(
      ApiError,
      { error: ErrorCode.unauthorized, message: 'Your session has ended. Please sign in again.' },
      401,
    );
  }

  private handlers() {
    const { practice } = this;
    return [
      http.post(apiUrl('/auth/login'), async ({ request }) => {
        const body = await this.parseRequest(LoginRequest, request);
        if (!body) return this.badRequest();
        this.calls.login.push(body);
        if (body.username !== practice.user.username || body.password !== practice.password) {
          return this.reply(
            ApiError,
            { error: ErrorCode.invalidCredentials, message: 'The User ID or password is incorrect.' },
            401,
          );
        }
        if (body.deviceToken && this.trustedDevices.has(body.deviceToken)) {
          return this.reply(LoginResponse, this.authenticated());
        }
        const challengeId = `challenge-${++this.counter}`;
        this.challenges.set(challengeId, { attemptsRemaining: 5, sentAt: new Map() });
        return this.reply(ChallengeIssued, {
          status: 'challenge',
          challengeId,
          targets: practice.targets,
          expiresAt: new Date(Date.now() + 15 * 60 * 1000).toISOString(),
          ...(practice.rememberDays > 0 ? { rememberDays: practice.rememberDays } : {}),
        });
      }),

      http.post(apiUrl('/auth/challenges/:id/send'), async ({ request, params }) => {
        const body = await this.parseRequest(SendCodeRequest, request);
        if (!body) return this.badRequest();
        const challengeId = String(params.id);
        this.calls.send.push({ challengeId, ...body });
        const challenge = this.challenges.get(challengeId);
        if (!challenge) return this.challengeExpired();
        const found = practice.targets.find((candidate) => candidate.id === body.targetId);
        // As on the server: the authenticator app has no send step.
        const target = found && found.channel !== 'totp' ? { ...found, channel: found.channel } : undefined;
        if (!target) {
          return this.reply(
            ApiError,
            { error: ErrorCode.invalidTarget, message: 'Choose one of the listed places to send your code.' },
            400,
          );
        }
        const last = challenge.sentAt.get(target.id);
        const waitMs = last === undefined ? 0 : last + practice.resendAfter * 1000 - Date.now();
        if (waitMs > 0) {
          const retryAfter = Math.ceil(waitMs / 1000);
          return this.reply(
            ApiError,
            {
              error: ErrorCode.rateLimited,
              message: `A code was just sent there. You can request another in ${retryAfter} seconds.`,
              retryAfter,
            },
            429,
          );
        }
        challenge.sentAt.set(target.id, Date.now());
        challenge.lastSent = target;
        return this.reply(CodeSent, {
          channel: target.channel,
          masked: target.masked,
          expiresAt: new Date(Date.now() + TEN_MINUTES).toISOString(),
          resendAfter: practice.resendAfter,
        });
      }),

      http.post(apiUrl('/auth/challenges/:id/verify'), async ({ request, params }) => {
        const body = await this.parseRequest(VerifyCodeRequest, request);
        if (!body) return this.badRequest();
        const challengeId = String(params.id);
        this.calls.verify.push({ challengeId, ...body });
        const challenge = this.challenges.get(challengeId);
        if (!challenge) return this.challengeExpired();
        if (body.code === RIGHT_CODE) {
          this.challenges.delete(challengeId);
          if (!body.rememberDevice || practice.rememberDays === 0) {
            return this.reply(Authenticated, this.authenticated());
          }
          const deviceToken = `device-${++this.counter}`;
          this.trustedDevices.add(deviceToken);
          return this.reply(Authenticated, this.authenticated({ deviceToken }));
        }
        challenge.attemptsRemaining -= 1;
        const left = challenge.attemptsRemaining;
        return this.reply(
          ApiError,
          {
            error: ErrorCode.invalidCode,
            message:
              left > 0
                ? `That code is not right. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`
                : 'That code is not right, and no attempts are left. Please sign in again.',
            attemptsRemaining: left,
          },
          400,
        );
      }),

      http.get(apiUrl('/auth/challenges/:id/delivery'), ({ params }) => {
        const challengeId = String(params.id);
        this.calls.delivery.push(challengeId);
        const sent = this.challenges.get(challengeId)?.lastSent;
        if (!sent) {
          return this.reply(
            ApiError,
            { error: ErrorCode.notFound, message: 'No code has been sent for this sign-in yet.' },
            404,
          );
        }
        const reports = this.deliveryReports.get(sent.channel) ?? [];
        const report = (reports.length > 1 ? reports.shift() : reports[0]) ?? { status: 'sent', final: true };
        return this.reply(DeliveryStatus, {
          channel: sent.channel,
          masked: sent.masked,
          ...report,
          updatedAt: new Date().toISOString(),
        });
      }),

      http.get(apiUrl('/me'), ({ request }) => {
        const token = bearerOf(request);
        this.calls.me.push(token ?? '');
        if (!token || !this.liveSessions.has(token)) return this.unauthorized();
        return this.reply(Me, { ...practice.user, locations: practice.locations });
      }),

      http.post(apiUrl('/auth/logout'), ({ request }) => {
        const token = bearerOf(request);
        this.calls.logout.push(token ?? '');
        if (!token || !this.liveSessions.delete(token)) return this.unauthorized();
        return new HttpResponse(null, { status: 204 });
      }),
    ];
  }

  private challengeExpired() {
    return this.reply(
      ApiError,
      {
        error: ErrorCode.challengeExpired,
        message: 'This sign-in has expired or was already used. Please sign in again.',
      },
      410,
    );
  }
}

export function bearerOf(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}

/** One MSW server per test file; unknown requests are errors, so nothing reaches the network. */
export function createMockServer(): SetupServer {
  return setupServer();
}
