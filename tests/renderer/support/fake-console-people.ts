/**
 * The console's users, locations, workstations, contacts and guided-recovery routes on the fake server,
 * parsed both ways with the shared contract (api-admin-users.ts, api-contacts.ts, api-me.ts). Needs the
 * guard of installFakeConsole (role admin); it keeps its own in-memory practice.
 */
import { HttpResponse, http } from 'msw';
import type { z } from 'zod';
import {
  AdminContactRequest,
  AdminContactResult,
  AdminLocation,
  AdminLocationList,
  AdminUser,
  AdminUserCreate,
  AdminUserList,
  AdminUserQuery,
  AdminUser as AdminUserSchema,
  AdminUserUpdate,
  ApiError,
  BypassIssued,
  ContactApplied,
  ContactCodeRequest,
  ContactCodeSent,
  DevicesRevoked,
  ErrorCode,
  LocationName,
  ReasonRequest,
  RecoveryChecklist,
  RecoveryChecklistUpdate,
  RecoveryRequest,
  SessionsRevoked,
  TemporaryPasswordRequest,
  type TrustedDevice,
  TrustedDeviceList,
  TwoFactorResetDone,
} from '../../../src/shared/api';
import { apiUrl, type FakeAuthServer, RIGHT_CODE } from './fake-auth-server';
import { ADMIN, type FakeConsole } from './fake-console';

export const BYPASS_CODE = 'ABCD-EFGH-JKMN';

export const person = (over: Partial<AdminUser> & Pick<AdminUser, 'id' | 'username'>): AdminUser => ({
  firstName: '',
  lastName: '',
  role: 'staff',
  active: true,
  lockedUntil: null,
  locations: [{ id: 'loc-main', name: 'Main Office' }],
  factors: { phone: true, email: true, authenticator: false },
  contacts: { phone: '••• - ••• - 3816', email: 'cki•••wrshealth.com' },
  bypassCodeActive: false,
  temporaryPasswordUntil: null,
  resourceType: null,
  startDate: null,
  endDate: null,
  accessByDates: 'current',
  createdAt: '2026-01-05T09:00:00.000Z',
  ...over,
});

export const LOCKED_OUT = person({
  id: 'user-3',
  username: 'hquinn',
  firstName: 'Harper',
  lastName: 'Quinn',
  lockedUntil: '2099-01-01T00:00:00.000Z',
  factors: { phone: false, email: false, authenticator: false },
  contacts: { phone: null, email: null },
});

export interface FakePeople {
  users: AdminUser[];
  locations: AdminLocation[];
  devices: Map<string, TrustedDevice[]>;
  checklist: RecoveryChecklist;
  readonly calls: {
    created: z.output<typeof AdminUserCreate>[];
    updated: Array<{ id: string } & AdminUserUpdate>;
    unlocked: string[];
    reset2fa: Array<{ id: string; reason: string }>;
    temporaryPasswords: Array<{ id: string } & TemporaryPasswordRequest>;
    revokedDevice: Array<{ id: string; deviceId: string }>;
    revokedAll: string[];
    signedEveryoneOut: string[];
    contacts: Array<{ id: string } & AdminContactRequest>;
    contactCodes: string[];
    locationsCreated: string[];
    locationsRenamed: Array<{ id: string; name: string }>;
    checklists: RecoveryChecklistUpdate[];
    recoveries: Array<{ id: string } & RecoveryRequest>;
  };
}

/** How many other sessions the fake practice has signed in when everyone is signed out. */
export const SIGNED_IN_ELSEWHERE = 3;

export function installFakePeople(server: FakeAuthServer, guard: FakeConsole): FakePeople {
  const fake: FakePeople = {
    users: [
      person({
        id: ADMIN.id,
        username: ADMIN.username,
        firstName: 'Alex',
        lastName: 'Manager',
        role: 'admin',
      }),
      person({ id: 'user-1', username: 'ckiplock', firstName: 'Casey', lastName: 'Kiplock' }),
      LOCKED_OUT,
    ],
    locations: [
      { id: 'loc-main', name: 'Main Office', userCount: 3 },
      { id: 'loc-east', name: 'Eastside Clinic', userCount: 0 },
    ],
    devices: new Map([
      [
        'user-1',
        [
          {
            id: 'dev-1',
            name: 'FRONT-DESK-1',
            createdAt: '2026-11-01T09:00:00.000Z',
            lastUsedAt: '2026-11-27T09:00:00.000Z',
            expiresAt: '2026-12-01T09:00:00.000Z',
          },
        ],
      ],
    ]),
    checklist: {
      items: [
        { id: 'photo-id', text: 'Photo ID seen in person or on video' },
        { id: 'call-back', text: 'Called back on the number in staff records' },
      ],
      updatedAt: null,
    },
    calls: {
      created: [],
      updated: [],
      unlocked: [],
      reset2fa: [],
      temporaryPasswords: [],
      revokedDevice: [],
      revokedAll: [],
      signedEveryoneOut: [],
      contacts: [],
      contactCodes: [],
      locationsCreated: [],
      locationsRenamed: [],
      checklists: [],
      recoveries: [],
    },
  };
  let counter = 0;
  const bad = (message: string, status = 400, error: string = ErrorCode.badRequest) =>
    server.reply(ApiError, { error, message }, status);
  const find = (id: unknown) => fake.users.find((user) => user.id === String(id));
  const notFound = () => bad('No such user.', 404, ErrorCode.notFound);
  const replace = (user: AdminUser) => {
    fake.users = fake.users.map((other) => (other.id === user.id ? user : other));
    return user;
  };
  const locationsOf = (ids: string[]) =>
    fake.locations.filter((l) => ids.includes(l.id)).map(({ id, name }) => ({ id, name }));
  const body = <S extends z.ZodType>(schema: S, request: Request) => server.parseRequest(schema, request);

  server.use(
    // The admin guard first: a request it refuses goes no further.
    http.all(apiUrl('/admin/*'), ({ request }) => guard.refused(request)),
    // Pages as the real server does, `limit` at a time after the User ID `after`, and matches the start of a
    // name or User ID as it does; a search is in User ID order here (the screens do not depend on its order).
    http.get(apiUrl('/admin/users'), ({ request }) => {
      const parsed = AdminUserQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!parsed.success) {
        server.violations.push(`request ${request.url}: ${parsed.error.message}`);
        return bad('The request is not valid.');
      }
      const { q = '', limit, after } = parsed.data;
      const key = (user: AdminUser) => user.username.toLowerCase();
      const users = fake.users
        .filter((u) =>
          [u.username, u.firstName, u.lastName].some((text) =>
            text.toLowerCase().startsWith(q.toLowerCase()),
          ),
        )
        .filter((u) => after === undefined || key(u) > after.toLowerCase())
        .sort((a, b) => (key(a) < key(b) ? -1 : 1));
      const page = users.slice(0, limit);
      const more = users.length > limit;
      return server.reply(AdminUserList, {
        users: page,
        nextAfter: more ? (page.at(-1)?.username ?? null) : null,
      });
    }),
    http.get(apiUrl('/admin/users/:id'), ({ params }) => {
      const user = fake.users.find((u) => u.id === params.id);
      return user ? server.reply(AdminUser, user) : notFound();
    }),
    http.post(apiUrl('/admin/users'), async ({ request }) => {
      const created = await body(AdminUserCreate, request);
      if (!created) return bad('The request is not valid.');
      fake.calls.created.push(created);
      if (fake.users.some((u) => u.username === created.username)) {
        return bad('That User ID is taken.', 409, ErrorCode.conflict);
      }
      const user = person({
        id: `user-new-${++counter}`,
        username: created.username,
        firstName: created.firstName,
        lastName: created.lastName,
        role: created.role,
        locations: locationsOf(created.locationIds),
        factors: { phone: false, email: false, authenticator: false },
        contacts: { phone: null, email: null },
        temporaryPasswordUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        resourceType: created.resourceType ?? null,
        startDate: created.startDate ?? null,
        endDate: created.endDate ?? null,
      });
      fake.users.push(user);
      return server.reply(AdminUserSchema, user, 201);
    }),
    http.patch(apiUrl('/admin/users/:id'), async ({ request, params }) => {
      const update = await body(AdminUserUpdate, request);
      if (!update) return bad('The request is not valid.');
      const user = find(params.id);
      if (!user) return notFound();
      fake.calls.updated.push({ id: user.id, ...update });
      const { locationIds, reason: _reason, ...rest } = update;
      return server.reply(
        AdminUserSchema,
        replace({ ...user, ...rest, ...(locationIds ? { locations: locationsOf(locationIds) } : {}) }),
      );
    }),
    http.post(apiUrl('/admin/users/:id/unlock'), ({ params }) => {
      const user = find(params.id);
      if (!user) return notFound();
      fake.calls.unlocked.push(user.id);
      return server.reply(AdminUserSchema, replace({ ...user, lockedUntil: null }));
    }),
    http.post(apiUrl('/admin/users/:id/reset-2fa'), async ({ request, params }) => {
      const reason = await body(ReasonRequest, request);
      const user = find(params.id);
      if (!reason) return bad('Give a reason.');
      if (!user) return notFound();
      const wrong = guard.wrongPassword(reason);
      if (wrong) return wrong;
      fake.calls.reset2fa.push({ id: user.id, reason: reason.reason });
      const revokedDevices = fake.devices.get(user.id)?.length ?? 0;
      fake.devices.delete(user.id);
      const updated = replace({
        ...user,
        lockedUntil: null,
        factors: { ...user.factors, authenticator: false },
      });
      return server.reply(TwoFactorResetDone, {
        user: updated,
        revokedDevices,
        removedAuthenticator: user.factors.authenticator,
      });
    }),
    http.post(apiUrl('/admin/users/:id/temporary-password'), async ({ request, params }) => {
      const input = await body(TemporaryPasswordRequest, request);
      const user = find(params.id);
      if (!input) return bad('The request is not valid.');
      if (!user) return notFound();
      const wrong = guard.wrongPassword(input);
      if (wrong) return wrong;
      fake.calls.temporaryPasswords.push({ id: user.id, ...input });
      fake.devices.delete(user.id);
      const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
      return server.reply(
        AdminUserSchema,
        replace({ ...user, lockedUntil: null, temporaryPasswordUntil: until }),
      );
    }),
    http.get(apiUrl('/admin/users/:id/devices'), ({ params }) =>
      server.reply(TrustedDeviceList, { devices: fake.devices.get(String(params.id)) ?? [] }),
    ),
    http.delete(apiUrl('/admin/users/:id/devices/:deviceId'), ({ params }) => {
      const id = String(params.id);
      const deviceId = String(params.deviceId);
      fake.calls.revokedDevice.push({ id, deviceId });
      fake.devices.set(
        id,
        (fake.devices.get(id) ?? []).filter((device) => device.id !== deviceId),
      );
      return new HttpResponse(null, { status: 204 });
    }),
    http.delete(apiUrl('/admin/devices'), async ({ request }) => {
      const reason = await body(ReasonRequest, request);
      if (!reason) return bad('Give a reason.');
      const wrong = guard.wrongPassword(reason);
      if (wrong) return wrong;
      fake.calls.revokedAll.push(reason.reason);
      const revoked = [...fake.devices.values()].reduce((sum, list) => sum + list.length, 0);
      fake.devices.clear();
      return server.reply(DevicesRevoked, { revoked });
    }),
    http.delete(apiUrl('/admin/sessions'), async ({ request }) => {
      const reason = await body(ReasonRequest, request);
      if (!reason) return bad('Give a reason.');
      const wrong = guard.wrongPassword(reason);
      if (wrong) return wrong;
      fake.calls.signedEveryoneOut.push(reason.reason);
      return server.reply(SessionsRevoked, { revoked: SIGNED_IN_ELSEWHERE, ownSessionKept: true });
    }),
    http.post(apiUrl('/admin/users/:id/contacts'), async ({ request, params }) => {
      const contact = await body(AdminContactRequest, request);
      const user = find(params.id);
      if (!contact) return bad('The request is not valid.');
      if (!user) return notFound();
      fake.calls.contacts.push({ id: user.id, ...contact });
      const masked =
        contact.channel === 'sms' ? `••• - ••• - ${contact.value.slice(-4)}` : 'new•••example.com';
      if (contact.method === 'code') {
        return server.reply(AdminContactResult, {
          status: 'code_sent',
          changeId: `change-${++counter}`,
          channel: contact.channel,
          masked,
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
          resendAfter: 30,
          warnings: [],
        });
      }
      replace({
        ...user,
        factors: { ...user.factors, [contact.channel === 'sms' ? 'phone' : 'email']: true },
      });
      return server.reply(AdminContactResult, {
        status: 'applied',
        channel: contact.channel,
        masked,
        setBy: 'set_by_admin',
        warnings: [],
      });
    }),
    http.post(apiUrl('/admin/users/:id/contacts/:changeId/send'), () =>
      server.reply(ContactCodeSent, {
        status: 'code_sent',
        changeId: 'resent',
        channel: 'sms',
        masked: '••• - ••• - 0000',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        resendAfter: 30,
        warnings: [],
      }),
    ),
    http.post(apiUrl('/admin/users/:id/contacts/:changeId/verify'), async ({ request }) => {
      const code = await body(ContactCodeRequest, request);
      fake.calls.contactCodes.push(code?.code ?? '');
      if (code?.code !== RIGHT_CODE) {
        return server.reply(
          ApiError,
          {
            error: ErrorCode.invalidCode,
            message: 'That code is not right. 4 attempts left.',
            attemptsRemaining: 4,
          },
          400,
        );
      }
      return server.reply(ContactApplied, {
        status: 'applied',
        channel: 'sms',
        masked: '••• - ••• - 0199',
        setBy: 'admin_code',
        warnings: [],
      });
    }),
    http.get(apiUrl('/admin/locations'), () =>
      server.reply(AdminLocationList, { locations: fake.locations }),
    ),
    http.post(apiUrl('/admin/locations'), async ({ request }) => {
      const location = await body(LocationName, request);
      if (!location) return bad('The request is not valid.');
      fake.calls.locationsCreated.push(location.name);
      if (fake.locations.some((l) => l.name === location.name)) {
        return bad('A location of that name exists.', 409, ErrorCode.conflict);
      }
      const created = { id: `loc-${++counter}`, name: location.name, userCount: 0 };
      fake.locations.push(created);
      return server.reply(AdminLocation, created, 201);
    }),
    http.patch(apiUrl('/admin/locations/:id'), async ({ request, params }) => {
      const location = await body(LocationName, request);
      if (!location) return bad('The request is not valid.');
      const id = String(params.id);
      fake.calls.locationsRenamed.push({ id, name: location.name });
      const found = fake.locations.find((l) => l.id === id);
      if (!found) return bad('No such location.', 404, ErrorCode.notFound);
      found.name = location.name;
      return server.reply(AdminLocation, found);
    }),
    http.get(apiUrl('/admin/recovery-checklist'), () => server.reply(RecoveryChecklist, fake.checklist)),
    http.put(apiUrl('/admin/recovery-checklist'), async ({ request }) => {
      const update = await body(RecoveryChecklistUpdate, request);
      if (!update) return bad('The request is not valid.');
      fake.calls.checklists.push(update);
      fake.checklist = {
        items: update.items.map((item, index) => ({
          id: item.id ?? `item-${++counter}-${index}`,
          text: item.text,
        })),
        updatedAt: new Date().toISOString(),
      };
      return server.reply(RecoveryChecklist, fake.checklist);
    }),
    http.post(apiUrl('/admin/users/:id/recovery'), async ({ request, params }) => {
      const recovery = await body(RecoveryRequest, request);
      const user = find(params.id);
      if (!recovery) return bad('The request is not valid.');
      if (!user) return notFound();
      const wrong = guard.wrongPassword(recovery);
      if (wrong) return wrong;
      fake.calls.recoveries.push({ id: user.id, ...recovery });
      if (fake.checklist.items.some((item) => !recovery.checked.includes(item.id))) {
        return bad('Confirm every item of the identity check.');
      }
      replace({ ...user, lockedUntil: null, bypassCodeActive: true });
      return server.reply(BypassIssued, {
        bypassCode: BYPASS_CODE,
        expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
        notified: { user: [], admins: [{ id: 'user-admin-2', username: 'bmanager' }] },
      });
    }),
  );
  return fake;
}
