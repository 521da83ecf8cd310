/** The practice's identity checklist for guided recovery: edit, add and remove items, with a reason. */
import { type FormEvent, useState } from 'react';
import type { RecoveryChecklist } from '../../../shared/api-admin-users';
import { ErrorAlert } from '../components/Messages';
import { useEndsSession } from './console-session';
import { useRecoveryChecklist, useUpdateChecklist } from './people-hooks';
import { ReasonField } from './ReasonField';

export function ChecklistEditor() {
  const checklist = useRecoveryChecklist();
  useEndsSession(checklist.error);
  return (
    <details className="console-section checklist-editor">
      <summary>Edit the identity checklist</summary>
      {checklist.isPending ? (
        <p role="status">Loading the identity checklist…</p>
      ) : checklist.isError ? (
        <ErrorAlert>{checklist.error.message}</ErrorAlert>
      ) : (
        <ChecklistForm key={checklist.data.updatedAt ?? 'defaults'} checklist={checklist.data} />
      )}
    </details>
  );
}

interface DraftItem {
  /** Absent for an item added here. */
  id?: string;
  key: string;
  text: string;
}

function ChecklistForm({ checklist }: { checklist: RecoveryChecklist }) {
  const update = useUpdateChecklist();
  useEndsSession(update.error);
  const [items, setItems] = useState<DraftItem[]>(() =>
    checklist.items.map((item) => ({ id: item.id, key: item.id, text: item.text })),
  );
  const [added, setAdded] = useState(0);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (update.isPending) return;
    setSaved(false);
    const missing =
      items.length === 0
        ? 'Keep at least one item.'
        : items.some((item) => item.text.trim().length < 3)
          ? 'Each item needs at least 3 characters.'
          : reason.trim().length < 3
            ? 'Give a reason for this change (at least 3 characters).'
            : undefined;
    setProblem(missing);
    if (missing) return;
    update.mutate(
      {
        items: items.map((item) => ({ ...(item.id ? { id: item.id } : {}), text: item.text.trim() })),
        reason: reason.trim(),
      },
      { onSuccess: () => setSaved(true) },
    );
  }
  const setText = (key: string, text: string) =>
    setItems((now) => now.map((item) => (item.key === key ? { ...item, text } : item)));

  return (
    <form className="stack console-form" onSubmit={submit} noValidate aria-busy={update.isPending}>
      <ol className="checklist-items">
        {items.map((item, index) => (
          <li key={item.key} className="inline-form">
            <div className="field">
              <label htmlFor={`checklist-${item.key}`}>Item {index + 1}</label>
              <input
                id={`checklist-${item.key}`}
                value={item.text}
                maxLength={300}
                onChange={(event) => setText(item.key, event.target.value)}
              />
            </div>
            <button
              type="button"
              aria-label={`Remove item ${index + 1}`}
              onClick={() => setItems((now) => now.filter((other) => other.key !== item.key))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            setItems((now) => [...now, { key: `new-${added}`, text: '' }]);
            setAdded((n) => n + 1);
          }}
        >
          Add item
        </button>
      </div>
      <ReasonField
        id="checklist-reason"
        label="Reason for changing the checklist"
        value={reason}
        onChange={setReason}
      />
      <ErrorAlert>{problem ?? update.error?.message}</ErrorAlert>
      {saved && (
        <p className="status" role="status">
          Checklist saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Save checklist
        </button>
      </div>
    </form>
  );
}
