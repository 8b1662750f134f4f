import { describe, expect, it } from 'vitest';
import { PyRandom } from '../../../../../core/llem/mt19937';
import { resolveContractStudy } from '../../../../../core/llem/families/gitContract/resolveStudy';
import { loadYaml11 } from '../../../../../core/llem/yaml11';

function shuffled(seed: number | bigint): number[] {
  const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  new PyRandom(seed).shuffle(xs);
  return xs;
}

describe('contract §2.12 shuffle vectors (CPython random.Random(s).shuffle)', () => {
  it('s = 0', () => expect(shuffled(0)).toEqual([7, 8, 1, 5, 3, 4, 2, 0, 9, 6]));
  it('s = 42', () => expect(shuffled(42)).toEqual([7, 3, 2, 8, 5, 6, 9, 4, 0, 1]));
  it('s = 4294967296 (two 32-bit words)', () => expect(shuffled(4294967296n)).toEqual([8, 9, 3, 2, 4, 7, 0, 6, 5, 1]));
  it('s = -5 behaves like 5', () => {
    expect(shuffled(-5)).toEqual([2, 3, 1, 0, 8, 7, 6, 5, 4, 9]);
    expect(shuffled(5)).toEqual(shuffled(-5));
  });
});

function plan(yaml: string) {
  return resolveContractStudy('head', loadYaml11(yaml));
}
const field = (r: ReturnType<typeof plan>, name: string) => r.runs.map((x) => String(r.valid[x.configIndex]?.dump.get(name)));

describe('contract §2.12 study vectors', () => {
  it('precision sweep: hash, seed, shuffled x3', () => {
    const r = plan('model: gpt2\nn: 5\nsweep: {precision: [fp16, bf16]}\nexecution: {n_cycles: 3, cycle_order: shuffled}\n');
    expect(r.studyDesignHash).toBe('cd4872cf14d834e2');
    expect(Number.parseInt(r.studyDesignHash.slice(-8), 16)).toBe(349713634);
    expect(field(r, 'precision')).toEqual(['fp16', 'bf16', 'fp16', 'bf16', 'fp16', 'bf16']);
  });
  it('n sweep shuffled x2', () => {
    const r = plan('model: gpt2\nsweep: {n: [1, 2, 3]}\nexecution: {n_cycles: 2, cycle_order: shuffled}\n');
    expect(r.studyDesignHash).toBe('03d7af7fca385dda');
    expect(field(r, 'n')).toEqual(['1', '3', '2', '3', '1', '2']);
  });
  const grid = 'model: gpt2\nsweep: {precision: [fp32, fp16, bf16], n: [10, 20]}\n';
  it('precision x n grid: expansion order, hash, shuffled x2', () => {
    const r = plan(`${grid}execution: {n_cycles: 2, cycle_order: shuffled}\n`);
    expect(r.studyDesignHash).toBe('ea7f0912c9cdc832');
    expect(r.valid.map((v) => `${String(v.dump.get('precision'))}/${String(v.dump.get('n'))}`)).toEqual([
      'fp32/10', 'fp32/20', 'fp16/10', 'fp16/20', 'bf16/10', 'bf16/20',
    ]);
    const order = r.runs.map((x) => { const d = r.valid[x.configIndex]!.dump; return `${String(d.get('precision'))}/${String(d.get('n'))}`; });
    expect(order).toEqual(['fp32/20', 'fp16/20', 'bf16/20', 'bf16/10', 'fp32/10', 'fp16/10', 'fp16/20', 'bf16/20', 'fp16/10', 'fp32/20', 'fp32/10', 'bf16/10']);
  });
  it('same grid with shuffle_seed: 7', () => {
    const r = plan(`${grid}execution: {n_cycles: 2, cycle_order: shuffled, shuffle_seed: 7}\n`);
    const order = r.runs.map((x) => { const d = r.valid[x.configIndex]!.dump; return `${String(d.get('precision'))}/${String(d.get('n'))}`; });
    expect(order).toEqual(['bf16/10', 'fp32/10', 'bf16/20', 'fp16/20', 'fp32/20', 'fp16/10', 'fp16/10', 'fp16/20', 'fp32/20', 'bf16/20', 'bf16/10', 'fp32/10']);
  });
  it('CLI effective defaults: 3 cycles, shuffled when the YAML omits them', () => {
    const r = plan('model: gpt2\nn: 5\nsweep: {precision: [fp16, bf16]}\n');
    expect(r.execution).toMatchObject({ nCycles: 3, order: 'shuffled', defaulted: { nCycles: true, order: true } });
    expect(field(r, 'precision')).toEqual(['fp16', 'bf16', 'fp16', 'bf16', 'fp16', 'bf16']);
  });
});
