import type { gridApiMethods } from '../../contract/apiGrid';
import { ok } from '../../contract/result';
import type { CoreContext } from '../coreContext';
import { readGridIntensity, writeGridIntensity } from '../settings/gridIntensity';
import type { MethodHandlers } from './dispatcher';

/** Settings → Energy: the grid intensity behind a campaign's CO₂e (contract/apiGrid.ts). */
export function createGridHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof gridApiMethods> {
  return {
    'settings.gridIntensity': async () => ok(readGridIntensity(ctx.db)),
    'settings.setGridIntensity': async ({ intensity }) => ok(writeGridIntensity(ctx.db, intensity)),
  };
}
