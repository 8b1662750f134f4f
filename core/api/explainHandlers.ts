import type { explainApiMethods } from '../../contract/apiExplain';
import type { CoreContext } from '../coreContext';
import type { MethodHandlers } from './dispatcher';
import { explainFigure } from '../results/views/explain';

/** Handlers of contract/apiExplain.ts ("Explain this number"). */
export function createExplainHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof explainApiMethods> {
  return {
    'results.explain': async ({ resultId, figure }) => explainFigure(ctx.db, resultId, figure),
  };
}
