/** Locations: the list with how many users each has, a new location, and renaming one in place. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { AdminLocation } from '../../../shared/api-admin-users';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { useEndsSession } from './console-session';
import { useCreateLocation, useLocations, useRenameLocation } from './people-hooks';

export function LocationsPanel() {
  const locations = useLocations();
  const create = useCreateLocation();
  useEndsSession(locations.error, create.error);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    setDone(undefined);
    if (!name.trim()) {
      setProblem('Enter a name for the new location.');
      return;
    }
    setProblem(undefined);
    create.mutate(name.trim(), {
      onSuccess: (location) => {
        setDone(`${location.name} was added.`);
        setName('');
      },
    });
  }

  return (
    <>
      {locations.isPending ? (
        <p role="status">Loading locations…</p>
      ) : locations.isError ? (
        <ErrorAlert>{locations.error.message}</ErrorAlert>
      ) : locations.data.locations.length === 0 ? (
        <p className="status" role="status">
          No locations yet. Add the practice's first one below.
        </p>
      ) : (
        <table className="console-table">
          <caption>Locations ({locations.data.locations.length})</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Users</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {locations.data.locations.map((location) => (
              <LocationRow key={location.id} location={location} />
            ))}
          </tbody>
        </table>
      )}
      <form className="stack console-form" onSubmit={submit} noValidate aria-busy={create.isPending}>
        <h2>Add a location</h2>
        <div className="field">
          <label htmlFor="new-location">New location name</label>
          <input id="new-location" value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <ErrorAlert>{problem ?? create.error?.message}</ErrorAlert>
        {done && (
          <p className="status" role="status">
            {done}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary">
            Add location
          </button>
        </div>
      </form>
    </>
  );
}

function LocationRow({ location }: { location: AdminLocation }) {
  const [editing, setEditing] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  // Back to the button that opened the field, so the keyboard user keeps their place. In an effect, once
  // the button is back in the page: a frame callback could run before React has put it there.
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    renameButton.current?.focus();
  }, [editing]);
  if (editing) {
    return (
      <tr>
        <td colSpan={3}>
          <RenameLocation
            location={location}
            onClose={() => {
              returnFocus.current = true;
              setEditing(false);
            }}
          />
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <td>{location.name}</td>
      <td>{location.userCount}</td>
      <td>
        <button
          type="button"
          ref={renameButton}
          aria-label={`Rename ${location.name}`}
          onClick={() => setEditing(true)}
        >
          Rename
        </button>
      </td>
    </tr>
  );
}

function RenameLocation({ location, onClose }: { location: AdminLocation; onClose(): void }) {
  const rename = useRenameLocation();
  useEndsSession(rename.error);
  const field = useFocusOnMount<HTMLInputElement>();
  const [name, setName] = useState(location.name);
  const [problem, setProblem] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (rename.isPending) return;
    if (!name.trim()) {
      setProblem('Enter the new name.');
      return;
    }
    rename.mutate({ id: location.id, name: name.trim() }, { onSuccess: onClose });
  }
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-busy={rename.isPending}>
      <div className="field">
        <label htmlFor={`rename-${location.id}`}>New name for {location.name}</label>
        <input
          id={`rename-${location.id}`}
          ref={field}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <button type="submit" className="primary">
        Save name
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <ErrorAlert>{problem ?? rename.error?.message}</ErrorAlert>
    </form>
  );
}
