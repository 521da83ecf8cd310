/** A user's trusted workstations, each with Revoke. */
import type { AdminUser } from '../../../shared/api-admin-users';
import { DeviceTable } from '../components/DeviceTable';
import { ErrorAlert } from '../components/Messages';
import { useEndsSession } from './console-session';
import { useRevokeUserDevice, useUserDevices } from './people-hooks';

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
        <DeviceTable
          className="console-table"
          caption={`Trusted workstations of ${user.username}`}
          devices={devices.data.devices}
          revokingId={revoke.isPending ? revoke.variables : undefined}
          onRevoke={(device) => revoke.mutate(device.id)}
        />
      )}
    </section>
  );
}
