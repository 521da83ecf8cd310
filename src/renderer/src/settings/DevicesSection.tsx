/** My trusted workstations: name, created, last used and expiry; revoke one, or all. */
import { useState } from 'react';
import { DeviceTable } from '../components/DeviceTable';
import { ErrorAlert } from '../components/Messages';
import { useDevices, useRevokeAllDevices, useRevokeDevice } from './settings-hooks';

export function DevicesSection({ token }: { token: string }) {
  const devices = useDevices(token);
  const revoke = useRevokeDevice(token);
  const revokeAll = useRevokeAllDevices(token);
  const [status, setStatus] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const list = devices.data?.devices ?? [];
  const onError = (apiFailure: Error) => setFailure(apiFailure.message);

  return (
    <section aria-labelledby="settings-devices">
      <h2 id="settings-devices">Trusted workstations</h2>
      {devices.isPending && <p role="status">Loading…</p>}
      {devices.error && <ErrorAlert>{devices.error.message}</ErrorAlert>}
      {devices.data && list.length === 0 && <p>No workstation is remembered for you.</p>}
      {list.length > 0 && (
        <DeviceTable
          caption="My trusted workstations"
          devices={list}
          revokingId={revoke.isPending ? revoke.variables : undefined}
          onRevoke={(device) => {
            setFailure(undefined);
            revoke.mutate(device.id, {
              onSuccess: () => setStatus(`${device.name} is no longer trusted.`),
              onError,
            });
          }}
        />
      )}
      {status && (
        <p className="status" role="status">
          {status}
        </p>
      )}
      <ErrorAlert>{failure}</ErrorAlert>
      {list.length > 0 && (
        <div className="actions">
          <button
            type="button"
            aria-busy={revokeAll.isPending}
            onClick={() => {
              setFailure(undefined);
              revokeAll.mutate(undefined, {
                onSuccess: ({ revoked }) =>
                  setStatus(
                    `${revoked} ${revoked === 1 ? 'workstation is' : 'workstations are'} no longer trusted.`,
                  ),
                onError,
              });
            }}
          >
            Revoke all
          </button>
        </div>
      )}
    </section>
  );
}
