/** My settings and its banner, loaded only once someone is signed in (their own chunk, with zod). */
import { lazy } from 'react';

export const MySettingsScreen = lazy(() => import('./MySettingsScreen'));
export const MandateBanner = lazy(() => import('./MandateBanner'));
