/** The practice's locations as the console manages them: list with user counts, create, rename. */
import { type AdminLocation, ErrorCode } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { AppError } from '../errors';
import {
  findLocationByName,
  insertLocation,
  listLocationsWithCounts,
  renameLocation,
} from '../repositories/locations';
import { ensurePractice } from '../repositories/practices';
import type { AuditLog, RequestContext } from './audit-log';

const nameTaken = (name: string) =>
  new AppError(409, ErrorCode.conflict, `There is already a location called "${name}".`);

const isUniqueViolation = (error: unknown) => /unique|duplicate/i.test((error as Error).message);

export class LocationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<AdminLocation[]> {
    const practice = await ensurePractice(this.db, this.clock.now());
    const rows = await listLocationsWithCounts(this.db, practice.id);
    return rows.map((row) => ({ id: row.id, name: row.name, userCount: Number(row.user_count) }));
  }

  async create(admin: UserRow, name: string, context: RequestContext): Promise<AdminLocation> {
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    if (await findLocationByName(this.db, practice.id, name)) throw nameTaken(name);
    const location = await insertLocation(this.db, practice.id, name, now).catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken(name) : error;
    });
    await this.audit.record(context, {
      type: 'location_created',
      userId: admin.id,
      username: admin.username,
      detail: { locationId: location.id, name, by: admin.username },
    });
    return { id: location.id, name, userCount: 0 };
  }

  async rename(admin: UserRow, id: string, name: string, context: RequestContext): Promise<AdminLocation> {
    const practice = await ensurePractice(this.db, this.clock.now());
    const same = await findLocationByName(this.db, practice.id, name);
    if (same && same.id !== id) throw nameTaken(name);
    const renamed = await renameLocation(this.db, practice.id, id, name).catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken(name) : error;
    });
    if (!renamed) throw new AppError(404, ErrorCode.notFound, 'There is no such location.');
    await this.audit.record(context, {
      type: 'location_renamed',
      userId: admin.id,
      username: admin.username,
      detail: { locationId: id, name, by: admin.username },
    });
    const location = (await this.list()).find((l) => l.id === id);
    if (!location) throw new AppError(404, ErrorCode.notFound, 'There is no such location.');
    return location;
  }
}
