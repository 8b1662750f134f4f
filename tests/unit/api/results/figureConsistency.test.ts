import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultMetricName } from '../../../../contract/apiResults';
import { importPaths } from '../../../../core/results';
import { deriveMetrics } from '../../../../core/results/derivedMetrics';
import { FIGURE_SQL } from '../../../../core/results/figureDefinitions';
import { buildLeaderboard } from '../../../../core/export/buildLeaderboard';
import { EXPORTED_METRICS, type ExportedMetricName } from '../../../../core/export/format';
import { prepareSubmission } from '../../../../core/push/submission';
import { compareDemoPair, replayEnergyJ, replayTokens } from '../../../../renderer/src/pages/demo/demoFigures';
import { formatNumber } from '../../../../renderer/src/pages/results/format';
import { sharedFixture } from '../../results/helpers';
import { startTestCore, value } from './helpers';

/**
 * One definition per figure, checked end to end: for every stored result, the figure each view shows — results
 * table (results.list), charts and headline (results.aggregates), Compare (results.compare), Explain
 * (results.explain), Demo (its counters, computed from results.list rows and the timeline), leaderboard export
 * and push — agrees to the last digit shown (formatNumber, three significant figures) and, stronger, to 1e-9.
 */

const SAMPLE = path.resolve(__dirname, '../../../../resources/sample-runs/h100-gpt2-random-weights/runs');
const CPU_BUNDLE = path.resolve(__dirname, '../../../fixtures/llem-pypi-0.7.0-cpu');
const llemFixture = sharedFixture('llem/gpt2_pytorch_v2.0.json');

/** Table column → metric name. */
const TABLE = {
  avg_energy_per_token_j: 'jPerOutputToken',
  energy_per_token_adjusted_j: 'jPerOutputTokenAdjusted',
  avg_tokens_per_second: 'tokensPerSecond',
  output_tokens_per_second: 'outputTokensPerSecond',
  avg_power_w: 'avgPowerW',
  total_energy_j: 'totalEnergyJ',
} as const satisfies Record<string, ResultMetricName>;

function agree(label: string, a: number | null | undefined, b: number | null | undefined): void {
  expect(formatNumber(a), `${label}: shown digits`).toBe(formatNumber(b));
  if (a != null && b != null) expect(Math.abs(a - b) / Math.max(Math.abs(b), 1e-300), `${label}: ${a} vs ${b}`).toBeLessThan(1e-9);
}

describe('every view shows the same figure', () => {
  let t: ReturnType<typeof startTestCore>;
  beforeAll(async () => {
    t = startTestCore();
    const report = await importPaths(t.core.context.db, [SAMPLE, CPU_BUNDLE, ...(llemFixture.skip ? [] : [llemFixture.path])]);
    expect(report.rejected).toEqual([]);
    expect(report.added.length).toBe(llemFixture.skip ? 5 : 6);
  });
  afterAll(() => t?.stop());

  it('table, charts, headline, Compare, Explain, Demo, export and push agree for every stored result', async () => {
    const list = value(await t.call('results.list', { limit: 1000 }));
    const agg = value(await t.call('results.aggregates', {}));
    expect(list.rows.length).toBe(list.total);
    expect(agg.totalResults).toBe(list.total);
    const compare = value(await t.call('results.compare', { groupKeys: agg.configs.slice(0, 8).map((c) => c.groupKey) }));
    const exported = buildLeaderboard(t.core.context.db, { includePersonalData: false, generatorVersion: 'test' });
    if (!exported.ok) throw new Error(exported.error.message);
    const entries = exported.value.flatMap((d) => d.content.entries);
    const pushed = prepareSubmission(t.core.context.db, { generatorVersion: 'test' });
    if (!pushed.ok) throw new Error(pushed.error.message);
    const pushedEntries = (JSON.parse(pushed.value.body) as { entries: typeof entries }).entries;

    let checked = 0;
    for (const row of list.rows) {
      const config = agg.configs.find((c) => c.resultIds.includes(row.id));
      expect(config, `result ${row.id} is in a configuration`).toBeDefined();
      // Every result here is its configuration's only cycle, so the configuration's mean is the result's figure.
      expect(config!.cycles).toBe(1);
      const entry = entries.find((e) => e.measurement_config_hash === config!.groupKey)!;
      const pushedEntry = pushedEntries.find((e) => e.measurement_config_hash === config!.groupKey)!;
      const compared = compare.configs.some((c) => c.groupKey === config!.groupKey);
      for (const [column, metric] of Object.entries(TABLE) as [keyof typeof TABLE, ResultMetricName][]) {
        const shown = row[column];
        agree(`${metric} result ${row.id} charts`, config!.metrics[metric].mean, shown);
        const explained = value(await t.call('results.explain', { resultId: row.id, figure: metric }));
        agree(`${metric} result ${row.id} explain`, explained.value, shown);
        const exportName = (Object.keys(EXPORTED_METRICS) as ExportedMetricName[]).find((k) => EXPORTED_METRICS[k] === metric)!;
        agree(`${metric} result ${row.id} export`, entry.metrics[exportName].mean, shown);
        agree(`${metric} result ${row.id} push`, pushedEntry.metrics[exportName].mean, shown);
        if (compared) {
          const cell = compare.rows.find((r) => r.metric === metric)?.values.find((v) => v.groupKey === config!.groupKey);
          if (cell) agree(`${metric} result ${row.id} compare`, cell.summary.mean, shown);
        }
        checked += 1;
      }
      // The chart's per-cycle dots and the explain panel's token count.
      agree(`cycle dot ${row.id}`, config!.cycleValues[0]!.jPerOutputToken, row.avg_energy_per_token_j);
      agree(`tokens ${row.id}`, value(await t.call('results.explain', { resultId: row.id, figure: 'outputTokens' })).value, row.output_tokens_bounded);
      expect(entry.quality!.grade).toBe(row.quality_grade);
      expect(config!.quality.grade).toBe(row.quality_grade);

      // Demo: at the end of a replay each counter equals the table's figure.
      const tl = value(await t.call('results.timeline', { resultId: row.id, metric: 'power_w', width: 2000 }));
      if (tl.t.length >= 2) {
        // The timeline's reference line is the table's average power (per GPU when several), not a second definition.
        expect(tl.averagePower, `timeline ${row.id} carries the table's average power`).toBeDefined();
        agree(`timeline average power ${row.id}`, tl.averagePower!.tableW, row.avg_power_w);
        agree(`timeline average power per GPU ${row.id}`, tl.averagePower!.perGpuW * tl.averagePower!.gpus, row.avg_power_w);
        const end = tl.t.at(-1)!;
        agree(`demo energy ${row.id}`, replayEnergyJ(tl.t, tl.v, end, row.total_energy_j), row.total_energy_j);
        agree(`demo tokens ${row.id}`, replayTokens(row, end, end), row.output_tokens_bounded);
      }
    }
    expect(checked).toBe(list.rows.length * Object.keys(TABLE).length);

    // The headline and the Demo pair give the same factor for the same two results.
    const h = agg.headline;
    if (!h.available) throw new Error(h.reason);
    const better = list.rows.find((r) => agg.configs.find((c) => c.groupKey === h.better.groupKey)!.resultIds.includes(r.id))!;
    const worse = list.rows.find((r) => agg.configs.find((c) => c.groupKey === h.worse.groupKey)!.resultIds.includes(r.id))!;
    const demo = compareDemoPair(worse, better)!;
    agree('headline vs demo factor', demo.ratio, h.factor.ratio);
    expect(demo.caveats.some((c) => c.includes('at most 4,096 tokens were generated; llem reported 6,686'))).toBe(true);
    agree('raw factor', demo.rawRatio, h.rawFactor);
  });

  it('the SQL behind the table columns is the same definition as deriveMetrics', () => {
    const db = t.core.context.db;
    const rows = db
      .prepare(
        `SELECT r.*, ${FIGURE_SQL.jPerOutputToken} AS sql_jpt, ${FIGURE_SQL.jPerOutputTokenAdjusted} AS sql_jpta, ${FIGURE_SQL.outputTokensPerSecond} AS sql_otps,
                ${FIGURE_SQL.tokensPerSecond} AS sql_tps, ${FIGURE_SQL.avgPowerW} AS sql_w FROM results r`,
      )
      .all() as (Parameters<typeof deriveMetrics>[0] & { id: number; sql_jpt: number | null; sql_jpta: number | null; sql_otps: number | null; sql_tps: number | null; sql_w: number | null })[];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) {
      const d = deriveMetrics(r);
      agree(`sql jpt ${r.id}`, r.sql_jpt, d.jPerOutputToken);
      agree(`sql jpta ${r.id}`, r.sql_jpta, d.jPerOutputTokenAdjusted);
      agree(`sql otps ${r.id}`, r.sql_otps, d.outputTokensPerSecond);
      agree(`sql tps ${r.id}`, r.sql_tps, d.tokensPerSecond);
      agree(`sql power ${r.id}`, r.sql_w, d.avgPowerW);
    }
  });
});
