/**
 * Readiness before the mandate: how many active users have each factor, as bars with their numbers in
 * text, and who would be locked out if 2FA were required today, as a table paged from the server ("Show
 * more") and a one-click CSV of the whole list.
 */
import type { Readiness, ReadinessUser } from '../../../shared/api-admin';
import { ErrorAlert } from '../components/Messages';
import { useCsvExport, useReadiness } from './console-hooks';
import { useEndsSession } from './console-session';
import { downloadCsv } from './download';
import { ShowMoreUsers } from './ShowMoreUsers';
import { calendarDate, localTime, MODE_WORDS } from './words';

export function ReadinessPanel() {
  const readiness = useReadiness();
  const csv = useCsvExport();
  useEndsSession(readiness.error, csv.error);

  if (readiness.isPending) return <p role="status">Loading readiness…</p>;
  if (readiness.isError) return <ErrorAlert>{readiness.error.message}</ErrorAlert>;
  // The counts are the first page's; later pages only add to the list.
  const report = readiness.data.pages[0] as Readiness;
  const lockedOut = readiness.data.pages.flatMap((page) => page.wouldBeLockedOut);
  const download = () =>
    csv.mutate({ kind: 'readiness' }, { onSuccess: (text) => downloadCsv('wrsauth-readiness.csv', text) });
  return (
    <>
      <p>
        As of {localTime(report.asOf)}: {report.activeUsers} active{' '}
        {report.activeUsers === 1 ? 'user' : 'users'}. Policy: {MODE_WORDS[report.policy.mode]}
        {report.policy.enforceAfter ? `, required from ${calendarDate(report.policy.enforceAfter)}` : ''}.
      </p>
      <FactorBars report={report} />
      <LockedOutTable users={lockedOut} total={report.counts.nothing} />
      <ShowMoreUsers list={readiness} />
      {lockedOut.length > 0 && (
        <p className="visually-hidden" role="status" aria-live="polite">
          {readiness.isFetchingNextPage
            ? 'Loading more users…'
            : `Showing ${lockedOut.length} of ${report.counts.nothing} users who would be locked out.`}
        </p>
      )}
      <ErrorAlert>{csv.error?.message}</ErrorAlert>
      <div className="actions">
        <button type="button" onClick={download} aria-busy={csv.isPending}>
          Download CSV
        </button>
      </div>
    </>
  );
}

function FactorBars({ report }: { report: Readiness }) {
  const rows = [
    { key: 'phone', label: 'Cell phone', count: report.counts.phone },
    { key: 'email', label: 'Email', count: report.counts.email },
    { key: 'authenticator', label: 'Authenticator app', count: report.counts.authenticator },
    { key: 'nothing', label: 'No allowed factor', count: report.counts.nothing },
  ];
  const total = report.activeUsers;
  return (
    <figure className="bars">
      <figcaption id="readiness-bars">Active users by second factor</figcaption>
      <ul aria-labelledby="readiness-bars">
        {rows.map((row) => (
          <li key={row.key} className={row.key === 'nothing' ? 'bar-row warning' : 'bar-row'}>
            <span className="bar-label">{row.label}</span>
            {/* The bar is decoration; the numbers beside it say the same in text. */}
            <span className="bar-track" aria-hidden="true">
              <span className="bar" style={{ width: `${total === 0 ? 0 : (100 * row.count) / total}%` }} />
            </span>
            <span className="bar-value">
              {row.count} of {total}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function LockedOutTable({ users, total }: { users: ReadinessUser[]; total: number }) {
  if (users.length === 0) {
    return (
      <p className="status" role="status">
        No one would be locked out: every active user has a second factor the practice allows.
      </p>
    );
  }
  return (
    <table className="console-table">
      <caption>
        Would be locked out if 2FA were required today (
        {users.length < total ? `${users.length} shown of ${total}` : total})
      </caption>
      <thead>
        <tr>
          <th scope="col">User ID</th>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id}>
            <td>{user.username}</td>
            <td>{`${user.firstName} ${user.lastName}`.trim() || '—'}</td>
            <td>{user.role === 'admin' ? 'Account manager' : 'Staff'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
