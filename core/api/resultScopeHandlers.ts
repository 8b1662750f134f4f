import type { resultScopeApiMethods } from '../../contract/apiResultScope';
import type { CoreContext } from '../coreContext';
import { listResultScopes } from '../results/resultScopeStore';
import type { MethodHandlers } from './dispatcher';

/** Handlers of contract/apiResultScope.ts: what the Results page's campaign scope can be. */
export function createResultScopeHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof resultScopeApiMethods> {
  return {
    'results.scopes': async () => listResultScopes(ctx.db),
  };
}
