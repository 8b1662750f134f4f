import { MenuItem, Stack, TextField } from '@mui/material';
import { useMemo, useState } from 'react';
import type { ConfigView, ResultListRowView, SweepParameter } from '../../../../../contract/apiResults';
import { axisStyle, baseOption, EChart, useChartColours } from '../../../components/EChart';
import type { ScopeGroup } from '../scope';
import { ChartCard, ChartEmpty } from './ChartCard';
import { energyByParameterOption, PLACEMENT_GROUP_BY, PLACEMENT_GROUP_LABEL, type PlacementGroupBy } from './energyByParameterOption';

interface Props {
  configs: ConfigView[];
  parameters: SweepParameter[];
  reference: ResultListRowView[] | null;
  /** A click on a configuration's point: "Explain this number" for its energy per output token. */
  onExplain?: (config: ConfigView) => void;
  groupOf: (c: ConfigView) => ScopeGroup;
  /** More than one campaign in scope: lines are split by campaign unless another grouping is chosen. */
  severalCampaigns: boolean;
}

/** Energy per output token against one swept parameter, one line per combination of the others (and, grouped, per host or GPU), ± 95 % CI. */
export function EnergyByParameterChart({ configs, parameters, reference, onExplain, groupOf, severalCampaigns }: Props) {
  const colours = useChartColours();
  const [chosen, setChosen] = useState<string | null>(null);
  const param = parameters.find((p) => p.path === chosen) ?? parameters[0];

  const [chosenGroupBy, setGroupBy] = useState<PlacementGroupBy | null>(null);
  const groupBy: PlacementGroupBy = chosenGroupBy ?? (severalCampaigns ? 'campaign' : 'none');

  const view = useMemo(() => {
    if (!param) return null;
    const built = energyByParameterOption({ configs, parameters, param, reference, seriesColours: colours.series, groupBy, groupOf });
    return {
      option: {
        ...baseOption(colours),
        grid: { left: 64, right: 24, top: 48, bottom: 48 },
        tooltip: { ...(baseOption(colours).tooltip as object), ...built.tooltip },
        xAxis: { ...built.xAxis, ...axisStyle(colours) },
        yAxis: { ...built.yAxis, ...axisStyle(colours) },
        series: built.series,
      },
      groups: built.lines,
    };
  }, [configs, parameters, param, reference, colours, groupBy, groupOf]);

  return (
    <ChartCard
      title="Energy per token by swept parameter"
      testId="chart-energy-by-parameter"
      controls={
        <Stack direction="row" spacing={1}>
          {parameters.length > 1 && param ? (
            <TextField select size="small" label="Parameter" value={param.path} onChange={(e) => setChosen(e.target.value)} sx={{ minWidth: 180 }}>
              {parameters.map((p) => (
                <MenuItem key={p.path} value={p.path}>
                  {p.label}
                </MenuItem>
              ))}
            </TextField>
          ) : null}
          <TextField
            select
            size="small"
            label="Group by"
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as PlacementGroupBy)}
            sx={{ minWidth: 120 }}
            slotProps={{ htmlInput: { 'data-testid': 'energy-group-by' } }}
          >
            {PLACEMENT_GROUP_BY.map((g) => (
              <MenuItem key={g} value={g}>
                {PLACEMENT_GROUP_LABEL[g]}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
      }
      caption={
        param
          ? `${groupBy === 'none' || groupBy === 'campaign' ? 'Mean across cycles with 95 % confidence intervals' : `Mean of the cycles measured on each ${PLACEMENT_GROUP_LABEL[groupBy]} (no confidence interval: a part of a configuration's cycles is too few for one)`}; one line per combination of the other swept settings${groupBy === 'none' ? '' : ` and ${PLACEMENT_GROUP_LABEL[groupBy]}`}${reference ? '. Triangles: published reference data (batch = max_num_seqs), not measured here' : ''}.`
          : undefined
      }
    >
      {view && param ? (
        <EChart
          option={view.option}
          testId="energy-by-parameter"
          ariaLabel={`Energy per output token against ${param.label}, ${view.groups} line(s); click a point to explain its figure`}
          onPointClick={(p) => {
            const config = (p.data as { config?: ConfigView } | null)?.config;
            if (config) onExplain?.(config);
          }}
        />
      ) : (
        <ChartEmpty>All results share one configuration, so nothing was swept. Import or run results that differ in a setting (for example batch size) to see its effect.</ChartEmpty>
      )}
    </ChartCard>
  );
}
