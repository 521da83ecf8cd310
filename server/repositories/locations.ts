/** The practice's locations and who is assigned to them. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';

export function listLocationsWithCounts(db: Db, practiceId: string) {
  return db
    .selectFrom('locations')
    .leftJoin('user_locations', 'user_locations.location_id', 'locations.id')
    .select((eb) => [
      'locations.id',
      'locations.name',
      eb.fn.count<string | number>('user_locations.user_id').as('user_count'),
    ])
    .where('locations.practice_id', '=', practiceId)
    .groupBy(['locations.id', 'locations.name'])
    .orderBy('locations.name')
    .execute();
}

export function findLocationByName(db: Db, practiceId: string, name: string) {
  return db
    .selectFrom('locations')
    .select(['id', 'name'])
    .where('practice_id', '=', practiceId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export function findLocationsByIds(db: Db, practiceId: string, ids: string[]) {
  return db
    .selectFrom('locations')
    .select(['id', 'name'])
    .where('practice_id', '=', practiceId)
    .where('id', 'in', ids)
    .execute();
}

export async function insertLocation(db: Db, practiceId: string, name: string, now: Date) {
  const location = { id: randomUUID(), practice_id: practiceId, name, created_at: now.toISOString() };
  await db.insertInto('locations').values(location).execute();
  return location;
}

/** False when there is no such location in the practice. */
export async function renameLocation(db: Db, practiceId: string, id: string, name: string) {
  const result = await db
    .updateTable('locations')
    .set({ name })
    .where('id', '=', id)
    .where('practice_id', '=', practiceId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Replaces the user's locations with these (ids already checked to be the practice's). */
export async function replaceUserLocations(db: Db, userId: string, locationIds: string[]) {
  await db.deleteFrom('user_locations').where('user_id', '=', userId).execute();
  await db
    .insertInto('user_locations')
    .values(locationIds.map((location_id) => ({ user_id: userId, location_id })))
    .execute();
}

/** Every user's locations, by user id. */
export async function locationsByUser(db: Db, userIds: string[]) {
  const byUser = new Map<string, Array<{ id: string; name: string }>>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('user_locations')
    .innerJoin('locations', 'locations.id', 'user_locations.location_id')
    .select(['user_locations.user_id', 'locations.id', 'locations.name'])
    .where('user_locations.user_id', 'in', userIds)
    .orderBy('locations.name')
    .execute();
  for (const row of rows) {
    const list = byUser.get(row.user_id) ?? [];
    list.push({ id: row.id, name: row.name });
    byUser.set(row.user_id, list);
  }
  return byUser;
}
