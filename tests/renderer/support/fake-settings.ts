/**
 * The My settings routes of the fake server (`/me/profile`, `/me/password`, `/me/setup`, `/me/contacts`,
 * `/me/devices`, `/me/totp`, `/me/recovery-codes`): one user, the current password PASSWORD, the right code
 * RIGHT_CODE. Every request and response is parsed with the shared contract; calls are recorded.
 */
import { HttpResponse, http } from 'msw';
import {
  ApiError,
  ContactApplied,
  ContactChangeRequest,
  ContactCodeRequest,
  ContactCodeSent,
  ContactRemoveRequest,
  CurrentPasswordRequest,
  DevicesRevoked,
  ErrorCode,
  PasswordChanged,
  PasswordChangeRequest,
  Profile,
  ProfileUpdate,
  RecoveryCodeStatus,
  RecoveryCodes,
  SetupStatus,
  TotpConfirmRequest,
  TotpEnrollment,
  TotpStatus,
  type TrustedDevice,
  TrustedDeviceList,
} from '../../../src/shared/api';
import { apiUrl, type FakeAuthServer, PASSWORD, RIGHT_CODE } from './fake-auth-server';

/** A 1×1 PNG: the screen shows whatever image the server made. */
const QR_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export interface FakeSettings {
  profile: Profile;
  setup: SetupStatus;
  devices: TrustedDevice[];
  totp: 'none' | 'pending' | 'confirmed';
  recovery: { remaining: number; generatedAt: string | null };
  calls: {
    profile: unknown[];
    password: unknown[];
    contacts: Array<{ channel: string; value: string }>;
    resend: string[];
    verify: Array<{ changeId: string; code: string }>;
    remove: string[];
    revoked: string[];
    totp: string[];
    /** The current password sent with each request for new recovery codes. */
    recovery: Array<string | undefined>;
    /** Bearer tokens of the banner's reads. */
    setup: string[];
  };
}

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

export function settingsHandlers(server: FakeAuthServer) {
  const user = server.practice.user;
  const state: FakeSettings = {
    profile: {
      username: user.username,
      firstName: user.firstName,
      middleName: null,
      lastName: user.lastName,
      namePrefix: null,
      nameSuffix: null,
      dateOfBirth: null,
      sex: null,
      phone: '+12025553816',
      phoneNational: '(202) 555-3816',
      phoneSetBy: 'on_file',
      email: 'ckiplock@wrshealth.com',
      emailSetBy: 'on_file',
      resourceType: 'Non-Healthcare Provider',
      startDate: '2026-01-05',
      endDate: '2026-12-31',
    },
    setup: {
      effectiveMode: 'optional',
      mode: 'optional',
      enforceAfter: null,
      hasVerifiedContact: true,
      hasAuthenticator: false,
      mandateDate: null,
      reminder: 'none',
    },
    devices: [
      {
        id: 'd1',
        name: 'Front Desk 1',
        createdAt: '2026-05-01T09:00:00.000Z',
        lastUsedAt: '2026-05-30T09:00:00.000Z',
        expiresAt: '2026-05-31T09:00:00.000Z',
      },
      {
        id: 'd2',
        name: 'Exam Room 3',
        createdAt: '2026-05-02T09:00:00.000Z',
        lastUsedAt: null,
        expiresAt: '2026-06-01T09:00:00.000Z',
      },
    ],
    totp: 'none',
    recovery: { remaining: 0, generatedAt: null },
    calls: {
      profile: [],
      password: [],
      contacts: [],
      resend: [],
      verify: [],
      remove: [],
      revoked: [],
      totp: [],
      recovery: [],
      setup: [],
    },
  };
  const changes = new Map<string, { channel: 'sms' | 'email'; value: string; attempts: number }>();
  let counter = 0;

  const signedIn = (request: Request) => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    return token !== undefined && server.liveSessions.has(token);
  };
  const unauthorized = () =>
    server.reply(
      ApiError,
      { error: ErrorCode.unauthorized, message: 'Your session has ended. Please sign in again.' },
      401,
    );
  const wrongPassword = () =>
    server.reply(
      ApiError,
      { error: ErrorCode.invalidCredentials, message: 'Your current password is not right.' },
      400,
    );
  const masked = (channel: 'sms' | 'email', value: string) =>
    channel === 'sms' ? `••• - ••• - ${value.replace(/\D/g, '').slice(-4)}` : `${value.slice(0, 3)}•••`;

  const handlers = [
    http.get(apiUrl('/me/profile'), ({ request }) =>
      signedIn(request) ? server.reply(Profile, state.profile) : unauthorized(),
    ),
    http.put(apiUrl('/me/profile'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(ProfileUpdate, request);
      if (!body) return HttpResponse.json({}, { status: 400 });
      state.calls.profile.push(body);
      state.profile = { ...state.profile, ...body };
      return server.reply(Profile, state.profile);
    }),
    http.post(apiUrl('/me/password'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(PasswordChangeRequest, request);
      if (!body) return HttpResponse.json({}, { status: 400 });
      state.calls.password.push(body);
      if (body.currentPassword !== PASSWORD) return wrongPassword();
      return server.reply(PasswordChanged, { revokedSessions: 1, revokedDevices: 2 });
    }),
    http.get(apiUrl('/me/setup'), ({ request }) => {
      state.calls.setup.push(request.headers.get('authorization') ?? '');
      return signedIn(request) ? server.reply(SetupStatus, state.setup) : unauthorized();
    }),
    http.post(apiUrl('/me/contacts'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(ContactChangeRequest, request);
      if (!body) return HttpResponse.json({}, { status: 400 });
      state.calls.contacts.push({ channel: body.channel, value: body.value });
      if (body.currentPassword !== PASSWORD) return wrongPassword();
      const changeId = `change-${++counter}`;
      changes.set(changeId, { channel: body.channel, value: body.value, attempts: 5 });
      return server.reply(ContactCodeSent, {
        status: 'code_sent',
        changeId,
        channel: body.channel,
        masked: masked(body.channel, body.value),
        expiresAt: later(600_000),
        resendAfter: 30,
        warnings: [],
      });
    }),
    http.post(apiUrl('/me/contacts/:id/send'), ({ request, params }) => {
      if (!signedIn(request)) return unauthorized();
      state.calls.resend.push(String(params.id));
      const change = changes.get(String(params.id));
      if (!change) return server.reply(ApiError, { error: 'not_found', message: 'No such change.' }, 404);
      return server.reply(ContactCodeSent, {
        status: 'code_sent',
        changeId: String(params.id),
        channel: change.channel,
        masked: masked(change.channel, change.value),
        expiresAt: later(600_000),
        resendAfter: 30,
        warnings: [],
      });
    }),
    http.post(apiUrl('/me/contacts/:id/verify'), async ({ request, params }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(ContactCodeRequest, request);
      const changeId = String(params.id);
      state.calls.verify.push({ changeId, code: body?.code ?? '' });
      const change = changes.get(changeId);
      if (!change) return server.reply(ApiError, { error: 'not_found', message: 'No such change.' }, 404);
      if (body?.code !== RIGHT_CODE) {
        change.attempts -= 1;
        return server.reply(
          ApiError,
          {
            error: ErrorCode.invalidCode,
            message: `That code is not right. ${change.attempts} attempts left.`,
            attemptsRemaining: change.attempts,
          },
          400,
        );
      }
      changes.delete(changeId);
      if (change.channel === 'sms') {
        const digits = change.value.replace(/\D/g, '').slice(-10);
        state.profile = {
          ...state.profile,
          phone: `+1${digits}`,
          phoneNational: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`,
          phoneSetBy: 'user_code',
        };
      } else {
        state.profile = { ...state.profile, email: change.value, emailSetBy: 'user_code' };
      }
      state.setup = { ...state.setup, hasVerifiedContact: true, mandateDate: null, reminder: 'none' };
      return server.reply(ContactApplied, {
        status: 'applied',
        channel: change.channel,
        masked: masked(change.channel, change.value),
        setBy: 'user_code',
        warnings: [],
      });
    }),
    http.delete(apiUrl('/me/contacts/:channel'), async ({ request, params }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(ContactRemoveRequest, request);
      state.calls.remove.push(String(params.channel));
      if (body?.currentPassword !== PASSWORD) return wrongPassword();
      state.profile =
        params.channel === 'sms'
          ? { ...state.profile, phone: null, phoneNational: null, phoneSetBy: null }
          : { ...state.profile, email: null, emailSetBy: null };
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(apiUrl('/me/devices'), ({ request }) =>
      signedIn(request) ? server.reply(TrustedDeviceList, { devices: state.devices }) : unauthorized(),
    ),
    http.delete(apiUrl('/me/devices/:id'), ({ request, params }) => {
      if (!signedIn(request)) return unauthorized();
      state.calls.revoked.push(String(params.id));
      state.devices = state.devices.filter((d) => d.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
    http.delete(apiUrl('/me/devices'), ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const revoked = state.devices.length;
      state.calls.revoked.push('all');
      state.devices = [];
      return server.reply(DevicesRevoked, { revoked });
    }),
    http.get(apiUrl('/me/totp'), ({ request }) =>
      signedIn(request)
        ? server.reply(TotpStatus, {
            status: state.totp,
            confirmedAt: state.totp === 'confirmed' ? '2026-05-01T09:00:00.000Z' : null,
          })
        : unauthorized(),
    ),
    http.post(apiUrl('/me/totp'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(CurrentPasswordRequest, request);
      state.calls.totp.push('enroll');
      if (body?.currentPassword !== PASSWORD) return wrongPassword();
      state.totp = 'pending';
      return server.reply(TotpEnrollment, {
        status: 'pending',
        otpauthUri: 'otpauth://totp/WRSAuth:ckiplock?secret=JBSWY3DPEHPK3PXP&issuer=WRSAuth',
        secret: 'JBSWY3DPEHPK3PXP',
        qrCodeDataUrl: QR_PNG,
      });
    }),
    http.post(apiUrl('/me/totp/confirm'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(TotpConfirmRequest, request);
      state.calls.totp.push(`confirm:${body?.code}`);
      if (body?.code !== RIGHT_CODE) {
        return server.reply(
          ApiError,
          { error: ErrorCode.invalidCode, message: 'That code is not right.' },
          400,
        );
      }
      state.totp = 'confirmed';
      return server.reply(TotpStatus, { status: 'confirmed', confirmedAt: new Date().toISOString() });
    }),
    http.delete(apiUrl('/me/totp'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(CurrentPasswordRequest, request);
      state.calls.totp.push('remove');
      if (body?.currentPassword !== PASSWORD) return wrongPassword();
      state.totp = 'none';
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(apiUrl('/me/recovery-codes'), ({ request }) =>
      signedIn(request) ? server.reply(RecoveryCodeStatus, state.recovery) : unauthorized(),
    ),
    http.post(apiUrl('/me/recovery-codes'), async ({ request }) => {
      if (!signedIn(request)) return unauthorized();
      const body = await server.parseRequest(CurrentPasswordRequest, request);
      state.calls.recovery.push(body?.currentPassword);
      // As the real server: a missing password is refused like a wrong one.
      if (body?.currentPassword !== PASSWORD) return wrongPassword();
      const generatedAt = new Date().toISOString();
      state.recovery = { remaining: 10, generatedAt };
      const codes = Array.from({ length: 10 }, (_, i) => `ABCDE-${String(10000 + i)}`);
      return server.reply(RecoveryCodes, { codes, generatedAt });
    }),
  ];
  return { handlers, state };
}
