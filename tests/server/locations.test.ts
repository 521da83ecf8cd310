/** /api/v1/admin/locations: create and rename locations, assign users to them, with user counts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call } from '../support/self-service';
import { auditEventsOf, createUser, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser();
  admin = await adminSession(t);
});
afterEach(() => t.close());

const api = (method: string, path: string, body?: unknown) =>
  call(t, method, `/api/v1/admin${path}`, body, bearer(admin));

const listed = async () =>
  (await api('GET', '/locations')).body.locations.map((l: { name: string; userCount: number }) => [
    l.name,
    l.userCount,
  ]);

const auditOf = (type: string) => auditEventsOf(t, type);

describe('locations', () => {
  it('lists locations by name with how many users each has', async () => {
    await createUser(t, { username: 'west1', locations: ['West Clinic'] });
    await createUser(t, { username: 'both', locations: ['West Clinic', 'Main Office'] });
    expect(await listed()).toEqual([
      ['Main Office', 3],
      ['West Clinic', 2],
    ]);
  });

  it('creates a location (201), audited with the admin; a taken name is 409', async () => {
    const created = await api('POST', '/locations', { name: '  East Wing  ' });
    expect(created).toMatchObject({ status: 201, body: { name: 'East Wing', userCount: 0 } });
    expect(await api('POST', '/locations', { name: 'East Wing' })).toMatchObject({
      status: 409,
      body: { error: 'conflict' },
    });
    expect(await api('POST', '/locations', { name: '' })).toMatchObject({ status: 400 });
    expect(await auditOf('location_created')).toEqual([
      { username: 'manager', detail: { locationId: created.body.id, name: 'East Wing', by: 'manager' } },
    ]);
  });

  it('renames a location, keeping its users; a taken name is 409 and an unknown id 404', async () => {
    const east = (await api('POST', '/locations', { name: 'East Wing' })).body.id;
    const main = (await api('GET', '/locations')).body.locations.find(
      (l: { name: string }) => l.name === 'Main Office',
    ).id;
    const renamed = await api('PATCH', `/locations/${main}`, { name: 'Downtown' });
    expect(renamed).toMatchObject({ status: 200, body: { id: main, name: 'Downtown', userCount: 2 } });
    expect(await api('PATCH', `/locations/${east}`, { name: 'Downtown' })).toMatchObject({ status: 409 });
    expect(await api('PATCH', '/locations/nope', { name: 'Elsewhere' })).toMatchObject({ status: 404 });
    expect((await auditOf('location_renamed')).map((e) => e.detail.name)).toEqual(['Downtown']);
  });

  it('assigns users through PATCH /users/:id locationIds, which replaces their locations', async () => {
    const east = (await api('POST', '/locations', { name: 'East Wing' })).body.id;
    const casey = (await api('GET', '/users?q=ckiplock')).body.users[0].id;
    const response = await api('PATCH', `/users/${casey}`, { locationIds: [east] });
    expect(response.body.locations).toEqual([{ id: east, name: 'East Wing' }]);
    expect(await listed()).toEqual([
      ['East Wing', 1],
      ['Main Office', 1],
    ]);
  });

  it('keeps every user in at least one location: an empty list is 400', async () => {
    const casey = (await api('GET', '/users?q=ckiplock')).body.users[0].id;
    expect(await api('PATCH', `/users/${casey}`, { locationIds: [] })).toMatchObject({ status: 400 });
    expect((await api('GET', `/users/${casey}`)).body.locations).toHaveLength(1);
  });
});
