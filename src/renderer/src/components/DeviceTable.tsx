/** Trusted workstations as a table, each with Revoke: the user's own in My settings, a user's in the console. */
import type { TrustedDevice } from '../../../shared/api-me';

/** A date and time as the workstation's locale writes it. */
export const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'Never';

interface DeviceTableProps {
  devices: TrustedDevice[];
  /** For screen readers, e.g. "Trusted workstations of ckiplock". */
  caption: string;
  className?: string;
  /** The id of the workstation being revoked, if any. */
  revokingId?: string;
  onRevoke(device: TrustedDevice): void;
}

export function DeviceTable({ devices, caption, className, revokingId, onRevoke }: DeviceTableProps) {
  return (
    <table className={className}>
      <caption className="visually-hidden">{caption}</caption>
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
        {devices.map((device) => (
          <tr key={device.id}>
            <th scope="row">{device.name}</th>
            <td>{when(device.createdAt)}</td>
            <td>{when(device.lastUsedAt)}</td>
            <td>{when(device.expiresAt)}</td>
            <td>
              <button
                type="button"
                aria-label={`Revoke ${device.name}`}
                aria-busy={revokingId === device.id}
                onClick={() => onRevoke(device)}
              >
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
