/** The "Reason for …" box of every audited console action: what the audit trail records as why. */
interface ReasonFieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** Marked required for assistive technology where the action cannot go without one. */
  required?: boolean;
}

/** Up to 500 characters, as the server takes (AdminReason). */
export function ReasonField({ id, label, value, onChange, required = false }: ReasonFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        required={required}
        aria-required={required || undefined}
        rows={2}
        maxLength={500}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
