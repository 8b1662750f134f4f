import { describe, expect, it } from 'vitest';
import type { ResultListRowView } from '../../../contract/apiResults';
import { csvField, resultsCsv } from '../../../renderer/src/pages/results/csv';
import { GRID_COLUMNS } from '../../../renderer/src/pages/results/gridColumns';

const row = (over: Partial<ResultListRowView>): ResultListRowView =>
  ({ id: 1, source: 'measured', reference_dataset: null, task: null, model: 'org/m', backend: 'pytorch', precision: 'fp16', batch_size: 8, identity_hash: 'h1', measurement_config_hash: null, caveats: [], quality_grade: 'A', avg_energy_per_token_j: 0.0123, ...over }) as ResultListRowView;

describe('results CSV (RFC 4180, no formula injection)', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(-0.5)).toBe('-0.5');
  });

  it('prefixes text a spreadsheet would run as a formula', () => {
    for (const s of ['=cmd|"/c calc"!A1', '+1', '-2+3', '@SUM(A1)', '\tx']) expect(csvField(s).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvField('=a,b')).toBe(`"'=a,b"`);
  });

  it('writes the shown columns with units in the headers and the configuration label of the scope', () => {
    const cols = GRID_COLUMNS.filter((c) => ['configuration', 'avg_energy_per_token_j', 'model'].includes(c.id));
    const csv = resultsCsv([row({}), row({ id: 2, model: '=HYPERLINK("x")', identity_hash: 'h2' })], cols, { configLabels: new Map([['h1', 'batch size 8']]) });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Configuration,Model,Energy/token (J/token)');
    expect(lines[1]).toBe('batch size 8,org/m,0.0123');
    expect(lines[2]).toBe(`pytorch · fp16 · batch 8,"'=HYPERLINK(""x"")",0.0123`);
    expect(lines[3]).toBe('');
  });
});
