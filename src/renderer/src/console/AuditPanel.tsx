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
  // The `before` cursor of each page walked past the first: Next pushes the last event's id, Previous pops.
  const [cursors, setCursors] = useState<string[]>([]);
  const [problem, setProblem] = useState<string>();
  const [exported, setExported] = useState<string>();
  const page = useAuditPage(filter, cursors.at(-1));
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
    setCursors([]);
  }
  function clear() {
    setDraft(NO_FILTER);
    setFilter({});
    setCursors([]);
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
          totalCapped={page.data.totalCapped}
          offset={cursors.length * AUDIT_PAGE_SIZE}
          loading={page.isPlaceholderData}
          onNext={(lastId) => setCursors((walked) => [...walked, lastId])}
          onPrevious={() => setCursors((walked) => walked.slice(0, -1))}
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
  /** Matching events, counted up to the server's cap; `totalCapped` when more match than that. */
  total: number;
  totalCapped: boolean;
  /** How many events the pages before this one hold. */
  offset: number;
  /** The previous page is still shown while the asked-for one loads. */
  loading: boolean;
  /** The next page: the events older than `lastId`, this page's last. */
  onNext(lastId: string): void;
  onPrevious(): void;
}

function AuditResults(props: AuditResultsProps) {
  const { timeZone, events, total, totalCapped, offset, loading } = props;
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
        Showing {first}–{last} of {totalCapped ? `more than ${total.toLocaleString('en-US')}` : total}
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
        <button type="button" disabled={offset === 0} onClick={() => !loading && props.onPrevious()}>
          Previous
        </button>
        <button
          type="button"
          disabled={events.length < AUDIT_PAGE_SIZE || (!totalCapped && last >= total)}
          onClick={() => {
            const lastId = events.at(-1)?.id;
            if (!loading && lastId) props.onNext(lastId);
          }}
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
