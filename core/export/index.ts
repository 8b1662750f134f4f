/** Public API of the leaderboard export (docs/leaderboard-format.md). */
export { buildLeaderboard, flattenConfig, sweptPaths, type EntriesFileDraft, type LeaderboardOptions } from './buildLeaderboard';
export { renderLeaderboard, validateText, INDEX_FILE, type ExportFile, type RenderedLeaderboard } from './renderLeaderboard';
export { writeExportFiles, DEFAULT_MAX_BYTES, formatBytes, type WriteOptions, type WriteReport } from './writeExport';
export {
  exportLeaderboard,
  exportSite,
  planExport,
  writePlannedExport,
  defaultSiteTemplateDir,
  SITE_TEMPLATE_FILES,
  SITE_DATA_SCRIPT,
  type ExportFormat,
  type ExportOptions,
  type ExportReport,
  type PlannedExport,
} from './exportLeaderboard';
export { sortedKeysJson, stableNumber } from './sortedKeysJson';
export { generateJsonSchema, renderJsonSchemaFiles, SCHEMA_FILES } from './jsonSchema';
export * from './format';
