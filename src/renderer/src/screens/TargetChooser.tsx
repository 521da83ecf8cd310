import type { DeliveryTarget } from '../../../shared/api';
import { targetLabel } from '../factors/factors';

interface TargetChooserProps {
  targets: DeliveryTarget[];
  selectedId: string | undefined;
  onSelect(targetId: string): void;
  /** In the desktop client a native dialog does the choosing; the page only lists the targets. */
  native: boolean;
}

const PROMPT = 'Choose where we should send your verification code:';

export function TargetChooser({ targets, selectedId, onSelect, native }: TargetChooserProps) {
  if (native) {
    return (
      <>
        <p id="target-prompt">{PROMPT}</p>
        <ul className="targets" aria-labelledby="target-prompt">
          {targets.map((target) => (
            <li key={target.id}>{targetLabel(target)}</li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <fieldset className="targets">
      <legend>{PROMPT}</legend>
      {targets.map((target) => (
        <label key={target.id} className="choice">
          <input
            type="radio"
            name="target"
            value={target.id}
            checked={target.id === selectedId}
            onChange={() => onSelect(target.id)}
          />
          {targetLabel(target)}
        </label>
      ))}
    </fieldset>
  );
}
