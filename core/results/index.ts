/** Public API of the results store (see docs/schema.md, "Core API"). */
export { importResultFile, importResultBytes, type ImportOutcome, type ImportResultOptions } from './importLlemResult';
export { importPaths, classify, type ImportPathsOptions } from './importPaths';
export type { ImportReport, AddedEntry, DuplicateEntry, RejectedEntry, IgnoredEntry, FileKind } from './importTypes';
export { refreshMlEnergyV3, MLENERGY_V3_DATA_URL, type FetchLike, type RefreshOptions, type RefreshOutcome } from './mlenergy/fetchMlEnergy';
export { listResults, ResultListQuerySchema, RESULT_SOURCES, type ResultListQuery, type ResultListRow, type ResultList, type ResultSource } from './resultListStore';
export { aggregateRuns, aggregateStored, type ConfigAggregate, type RunRecord, type AggregateOptions } from './aggregate';
export { loadRunRecords, type RunRecordFilter } from './runRecordStore';
export { deriveMetrics, DERIVED_METRIC_NAMES, type DerivedMetrics, type DerivedMetricName } from './derivedMetrics';
export { paretoFront, energyLatencyFront, energyThroughputFront } from './pareto';
export { summarise, tQuantile, type Summary } from './stats';
export { getAppTelemetrySeries, getLlemTimeseries, type SeriesResult, type AppSeriesQuery, type LlemSeriesQuery } from './telemetrySeries';
export { prepareRunTimelines, refreshTelemetryRollups } from './telemetryRollupStore';
export { defaultConfigHashFn } from './defaultConfigHash';
