/**
 * The audit trail: filter by user, event type and dates (days in the practice's time zone, which the panel
 * names, and in which it shows times); pages come from the server (newest first); the CSV export carries the
 * filter in force, holds every matching event, and the panel repeats the count and range the file states.
 */
import { type FormEvent, useState } from 'react';
import { type AuditEventView, AuditFilter } from '../../../shared/api-admin';
import { AUDIT_EVENT_TYPES, auditEventLabel } from '../../../shared/audit-events';
import { auditExportFileName, auditExportSummary } from '../../../shared/audit-export';
import { ErrorAlert } from '../components/Messages';
import { AUDIT_PAGE_SIZE, useAuditPage, useCsvExport } from './console-hooks';
import { useEndsSession } from './console-session';
import { downloadCsv } from './download';
import { localTime } from './words';

interface FilterDraft {
  username: string;
  type: string;
  from: string;
  to: string;
}

const NO_FILTER: FilterDraft = { username: '', type: '', from: '', to: '' };

/** The filter to send, leaving empty fields out; or what is wrong with it, in words. */
function filterOf(draft: FilterDraft): AuditFilter | string {
  const type = draft.type;
  if (draft.from && draft.to && draft.from > draft.to) return 'The "From" date is after the "To" date.';
  const parsed = AuditFilter.safeParse({
    ...(draft.username.trim() ? { username: draft.username.trim() } : {}),
    ...(type ? { type } : {}),
    ...(draft.from ? { from: draft.from } : {}),
    ...(draft.to ? { to: draft.to } : {}),
  });
  return parsed.success ? parsed.data : 'Check the filters: the dates must be real calendar dates.';
}

export function AuditPanel() {
  const [draft, setDraft] = useState<FilterDraft>(NO_FILTER);
  const [filter, setFilter] = useState<AuditFilter>({});
  const [offset, setOffset] = useState(0);
  const [problem, setProblem] = useState<string>();
  const [exported, setExported] = useState<string>();
  const page = useAuditPage(filter, offset);
  const csv = useCsvExport();
  useEndsSession(page.error, csv.error);

  const set = (key: keyof FilterDraft, value: string) =>
    setDraft((current) => ({ ...current, [key]: value }));
  function apply(event: FormEvent) {
    event.preventDefault();
    const next = filterOf(draft);
    if (typeof next === 'string') {
      setProblem(next);
      return;
    }
    setProblem(undefined);
    setFilter(next);
    setOffset(0);
  }
  function clear() {
    setDraft(NO_FILTER);
    setFilter({});
    setOffset(0);
    setProblem(undefined);
  }
  function exportCsv() {
    setExported(undefined);
    csv.mutate(
      { kind: 'audit', filter },
      {
        onSuccess: (text) => {
          downloadCsv(auditExportFileName(filter), text);
          const summary = auditExportSummary(text);
          setExported(summary ? `Exported ${summary}.` : 'Exported.');
        },
      },
    );
  }

  return (
    <>
      <form className="audit-filter" onSubmit={apply} noValidate aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor="audit-user">User ID</label>
          <input
            id="audit-user"
            autoCapitalize="none"
            spellCheck={false}
            value={draft.username}
            onChange={(event) => set('username', event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-type">Event type</label>
          <select id="audit-type" value={draft.type} onChange={(event) => set('type', event.target.value)}>
            <option value="">Any event</option>
            {AUDIT_EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {auditEventLabel(type)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input
            id="audit-from"
            type="date"
            value={draft.from}
            onChange={(event) => set('from', event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input
            id="audit-to"
            type="date"
            value={draft.to}
            onChange={(event) => set('to', event.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      <ErrorAlert>{problem ?? page.error?.message ?? csv.error?.message}</ErrorAlert>
      {page.isPending ? (
        <p role="status">Loading the audit log…</p>
      ) : page.data ? (
        <AuditResults
          timeZone={page.data.timeZone}
          events={page.data.events}
          total={page.data.total}
          offset={page.data.offset}
          loading={page.isPlaceholderData}
          onOffset={setOffset}
        />
      ) : null}
      <div className="actions">
        <button type="button" onClick={exportCsv} aria-busy={csv.isPending}>
          Export CSV
        </button>
      </div>
      {exported && (
        <p className="status" role="status">
          {exported}
        </p>
      )}
    </>
  );
}

interface AuditResultsProps {
  /** The practice's time zone: the filter's days are read in it, and times are shown in it. */
  timeZone: string;
  events: AuditEventView[];
  total: number;
  offset: number;
  /** The previous page is still shown while the asked-for one loads. */
  loading: boolean;
  onOffset(offset: number): void;
}

function AuditResults({ timeZone, events, total, offset, loading, onOffset }: AuditResultsProps) {
  const zoneNote = <p className="note">Dates and times in {timeZone}, the practice’s time zone.</p>;
  if (total === 0 || events.length === 0) {
    return (
      <>
        {zoneNote}
        <p className="status" role="status">
          No events match these filters.
        </p>
      </>
    );
  }
  const first = offset + 1;
  const last = offset + events.length;
  return (
    <>
      {zoneNote}
      <p className="note" role="status" aria-live="polite">
        Showing {first}–{last} of {total}
        {loading ? ' (loading…)' : ''}
      </p>
      <table className="console-table" aria-busy={loading}>
        <caption className="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">User ID</th>
            <th scope="col">Details</th>
            <th scope="col">IP address</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{localTime(event.at, timeZone)}</td>
              <td>{event.type}</td>
              <td>{event.username ?? '—'}</td>
              <td className="detail">{detailText(event.detail)}</td>
              <td>{event.ip ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="actions" aria-label="Audit log pages">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => !loading && onOffset(Math.max(0, offset - AUDIT_PAGE_SIZE))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={last >= total}
          onClick={() => !loading && onOffset(offset + AUDIT_PAGE_SIZE)}
        >
          Next
        </button>
      </nav>
    </>
  );
}

/** "reason: new phones; mode: required": the server keeps secrets out of detail, so it is shown as it is. */
function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}
