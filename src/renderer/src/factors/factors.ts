import type { Channel, DeliveryTarget } from '../../../shared/api';
import { EmailFactor } from './EmailFactor';
import type { FactorView } from './factor-view';
import { SmsFactor } from './SmsFactor';

const factors: Record<Channel, FactorView> = { sms: SmsFactor, email: EmailFactor };

export const factorOf = (channel: Channel): FactorView => factors[channel];

export const targetLabel = (target: DeliveryTarget): string =>
  factorOf(target.channel).targetLabel(target.masked);
