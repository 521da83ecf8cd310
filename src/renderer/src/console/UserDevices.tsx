/** A user's trusted workstations, each with Revoke. */
import type { AdminUser } from '../../../shared/api-admin-users';
import { ErrorAlert } from '../components/Messages';
import { useEndsSession } from './console-session';
import { useRevokeUserDevice, useUserDevices } from './people-hooks';
import { localTime } from './words';

export function UserDevices({ user }: { user: AdminUser }) {
  const devices = useUserDevices(user.id);
  const revoke = useRevokeUserDevice(user.id);
  useEndsSession(devices.error, revoke.error);
  return (
    <section className="console-section" aria-labelledby="user-devices">
      <h3 id="user-devices">Trusted workstations</h3>
      <ErrorAlert>{revoke.error?.message}</ErrorAlert>
      {devices.isPending ? (
        <p role="status">Loading workstations…</p>
      ) : devices.isError ? (
        <ErrorAlert>{devices.error.message}</ErrorAlert>
      ) : devices.data.devices.length === 0 ? (
        <p className="note">No remembered workstations.</p>
      ) : (
        <table className="console-table">
          <caption className="visually-hidden">Trusted workstations of {user.username}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.data.devices.map((device) => (
              <tr key={device.id}>
                <td>{device.name}</td>
                <td>{localTime(device.createdAt)}</td>
                <td>{device.lastUsedAt ? localTime(device.lastUsedAt) : 'Never'}</td>
                <td>{localTime(device.expiresAt)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Revoke ${device.name}`}
                    aria-busy={revoke.isPending && revoke.variables === device.id}
                    onClick={() => revoke.mutate(device.id)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
