import {
  MAX_CONFIGS_PER_ANSWER,
  type ResultListRowView,
  type ResultSortKeyName,
  type resultsApiMethods,
  type resultsApiSubscriptions,
} from '../../contract/apiResults';
import { ok } from '../../contract/result';
import { listResults, paretoFront, type ResultListRow, type ResultListQuery } from '../results';
import { defaultSampleRunsDir, importSampleSet, listSampleSets } from '../results/sampleRuns';
import { listReferenceDatasets } from '../store/referenceStore';
import type { CoreContext } from '../coreContext';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';
import { compareConfigs } from '../results/views/compare';
import { buildConfigViews } from '../results/views/configViews';
import { buildHeadline } from '../results/views/headline';
import { resultTimeline } from '../results/views/timeline';
import { receiveUpload } from '../results/views/uploads';

// The contract mirrors core types it may not import; these fail to compile if the two drift apart.
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sortKeysAgree: SameSet<ResultSortKeyName, NonNullable<ResultListQuery['sortBy']>> = true;
const rowsAgree: SameSet<keyof ResultListRowView, keyof ResultListRow> = true;
void sortKeysAgree;
void rowsAgree;

/** Handlers of contract/apiResults.ts (results, comparison, reference data). */
export function createResultsHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof resultsApiMethods> {
  return {
    'results.list': async (query) => listResults(ctx.db, query),

    'results.aggregates': async ({ cvThreshold, ...filter }) => {
      const built = buildConfigViews(ctx.db, filter, cvThreshold);
      if (!built.ok) return built;
      const { configs, parameters, differing, totalResults } = built.value;
      const mean = (c: (typeof configs)[number], m: 'jPerOutputToken' | 'latencyPerRequestS' | 'outputTokensPerSecond') => c.metrics[m].mean;
      const energyLatency = paretoFront(configs, { x: (c) => mean(c, 'latencyPerRequestS'), y: (c) => mean(c, 'jPerOutputToken'), xSense: 'min', ySense: 'min' });
      // Output tokens/s (not llem's input + output figure): the throughput reference data publishes.
      const energyThroughput = paretoFront(configs, { x: (c) => mean(c, 'outputTokensPerSecond'), y: (c) => mean(c, 'jPerOutputToken'), xSense: 'max', ySense: 'min' });
      return ok({
        totalConfigs: configs.length,
        totalResults,
        truncated: configs.length > MAX_CONFIGS_PER_ANSWER,
        configs: configs.slice(0, MAX_CONFIGS_PER_ANSWER),
        parameters,
        fronts: { energyLatency: energyLatency.map((c) => c.groupKey), energyThroughput: energyThroughput.map((c) => c.groupKey) },
        headline: buildHeadline(configs, differing, parameters),
      });
    },

    'results.compare': async ({ groupKeys, baseline, cvThreshold }) => compareConfigs(ctx.db, groupKeys, baseline, cvThreshold),

    'results.timeline': async ({ resultId, metric, width }) => resultTimeline(ctx.db, resultId, metric, width),

    'results.referenceDatasets': async () => {
      const listed = listReferenceDatasets(ctx.db);
      if (!listed.ok) return listed;
      return ok(
        listed.value.map((d) => ({
          id: d.id,
          key: d.key,
          label: d.label,
          edition: d.edition,
          snapshot: d.snapshot,
          sourceLocation: d.source_location,
          licence: d.licence,
          importedAt: d.imported_at,
          rowCount: d.row_count,
        })),
      );
    },

    'results.importContent': async ({ uploadId, files, finish }) => receiveUpload(ctx.db, ctx.dataDir, uploadId, files, finish),

    'results.sampleSets': async () => {
      const listed = listSampleSets(sampleRunsDir(ctx));
      if (!listed.ok) return listed;
      return ok(listed.value.sets.map(({ dir: _dir, ...view }) => view));
    },

    'results.importSampleSet': async ({ id }) => importSampleSet(ctx.db, id, sampleRunsDir(ctx)),
  };
}

/** LLEM_STUDIO_SAMPLE_RUNS_DIR points a test (or a curator trying a new set) at another folder. */
function sampleRunsDir(ctx: CoreContext): string {
  return ctx.env.LLEM_STUDIO_SAMPLE_RUNS_DIR || defaultSampleRunsDir();
}

export function createResultsSubscriptions(_ctx: CoreContext): Pick<SubscriptionHandlers, keyof typeof resultsApiSubscriptions> {
  return {};
}
