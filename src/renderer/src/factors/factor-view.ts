import type { ComponentType } from 'react';

/** How one second-factor channel reads on screen. One module per channel, as Bitwarden does. */
export interface FactorView {
  /** The chooser's words for a target: "Text message to ••• - ••• - 3816". */
  targetLabel(masked: string): string;
  /** The offer to switch to this channel after the other one failed. */
  switchLabel: string;
  /** The code-entry screen's line about where the code went. */
  Hint: ComponentType<{ masked: string }>;
}
