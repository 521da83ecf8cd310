import type { DeliveryTarget, TargetChannel } from '../../../shared/api';
import { EmailFactor } from './EmailFactor';
import type { FactorView } from './factor-view';
import { SmsFactor } from './SmsFactor';
import { TotpFactor } from './TotpFactor';

const factors: Record<TargetChannel, FactorView> = { sms: SmsFactor, email: EmailFactor, totp: TotpFactor };

export const factorOf = (channel: TargetChannel): FactorView => factors[channel];

export const targetLabel = (target: DeliveryTarget): string =>
  factorOf(target.channel).targetLabel(target.masked);
