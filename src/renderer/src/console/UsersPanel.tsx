/**
 * Users: search, the list, a new user, one user's details (UserDetail), and revoking every trusted
 * workstation in the practice. The list comes a page at a time from the server ("Show more users"), so a
 * practice of 100 000 never sends them all.
 */
import { type FormEvent, useState } from 'react';
import type { AdminUser } from '../../../shared/api-admin-users';
import { ErrorAlert } from '../components/Messages';
import { useEndsSession } from './console-session';
import { PracticeWorkstations } from './PracticeWorkstations';
import { useAdminUser, useUsers } from './people-hooks';
import { ShowMoreUsers } from './ShowMoreUsers';
import { UserDetail } from './UserDetail';
import { CreateUserForm } from './UserForms';
import { factorsOf, fullName, userStatus } from './user-words';

interface UsersPanelProps {
  /** Opens guided recovery for this user. */
  onRecover(user: AdminUser): void;
}

type View = { view: 'list' } | { view: 'create' } | { view: 'user'; userId: string };

export function UsersPanel({ onRecover }: UsersPanelProps) {
  const [view, setView] = useState<View>({ view: 'list' });
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [created, setCreated] = useState<string>();
  const users = useUsers(search);
  const listed = users.data?.pages.flatMap((page) => page.users) ?? [];
  useEndsSession(users.error);
  const toList = () => setView({ view: 'list' });

  if (view.view === 'create') {
    return (
      <CreateUserForm
        onCreated={(user) => {
          setCreated(`${user.username} was created. Give them their temporary password in person.`);
          setView({ view: 'user', userId: user.id });
        }}
        onCancel={toList}
      />
    );
  }
  if (view.view === 'user') {
    return (
      <>
        {created && (
          <p className="status" role="status">
            {created}
          </p>
        )}
        <OpenUser
          userId={view.userId}
          listed={listed.find((candidate) => candidate.id === view.userId)}
          onBack={toList}
          onRecover={onRecover}
        />
      </>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSearch(typed);
  }
  return (
    <>
      <form className="search" aria-label="User search" onSubmit={submit}>
        <div className="field">
          <label htmlFor="users-search">Search users</label>
          <input
            id="users-search"
            type="search"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="users-search-note"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
          <p id="users-search-note" className="note">
            The start of a last name, first name or User ID.
          </p>
        </div>
        <button type="submit">Search</button>
        <button
          type="button"
          className="primary"
          onClick={() => {
            setCreated(undefined);
            setView({ view: 'create' });
          }}
        >
          New user
        </button>
      </form>
      {users.isPending ? (
        <p role="status">Loading users…</p>
      ) : users.isError ? (
        <ErrorAlert>{users.error.message}</ErrorAlert>
      ) : listed.length === 0 ? (
        <p className="status" role="status">
          {search.trim() ? `No users match “${search.trim()}”.` : 'No users yet.'}
        </p>
      ) : (
        <>
          <UserTable
            users={listed}
            more={users.hasNextPage}
            onOpen={(user) => {
              setCreated(undefined);
              setView({ view: 'user', userId: user.id });
            }}
          />
          <ShowMoreUsers list={users} />
          <p className="visually-hidden" role="status" aria-live="polite">
            {users.isFetchingNextPage ? 'Loading more users…' : `Showing ${listed.length} users.`}
          </p>
        </>
      )}
      <PracticeWorkstations />
    </>
  );
}

/** One user's details, from the loaded pages when they hold them, else read from the server. */
function OpenUser(props: {
  userId: string;
  listed: AdminUser | undefined;
  onBack(): void;
  onRecover(user: AdminUser): void;
}) {
  const user = useAdminUser(props.userId, props.listed);
  if (user) return <UserDetail user={user} onBack={props.onBack} onRecover={() => props.onRecover(user)} />;
  return (
    <>
      <p role="status">Loading the user…</p>
      <button type="button" onClick={props.onBack}>
        Back to users
      </button>
    </>
  );
}

interface UserTableProps {
  users: AdminUser[];
  /** More users match than are shown: the caption says so. */
  more: boolean;
  onOpen(user: AdminUser): void;
}

function UserTable({ users, more, onOpen }: UserTableProps) {
  return (
    <table className="console-table">
      <caption>{more ? `Users (first ${users.length}; more match)` : `Users (${users.length})`}</caption>
      <thead>
        <tr>
          <th scope="col">User ID</th>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Status</th>
          <th scope="col">Second factors</th>
          <th scope="col">Locations</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id}>
            <td>{user.username}</td>
            <td>{fullName(user) || '—'}</td>
            <td>{user.role === 'admin' ? 'Account manager' : 'Staff'}</td>
            <td>{userStatus(user)}</td>
            <td>{factorsOf(user)}</td>
            <td>{user.locations.map((location) => location.name).join(', ') || '—'}</td>
            <td>
              <button type="button" onClick={() => onOpen(user)} aria-label={`Manage ${user.username}`}>
                Manage
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
