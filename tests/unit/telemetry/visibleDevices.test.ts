import { describe, expect, it } from 'vitest';
import { resolveVisibleDevices, type NvmlDeviceIdentity } from '../../../core/telemetry/visibleDevices';

const A = 'GPU-8d3e1c52-1111-2222-3333-444444444444';
const B = 'GPU-8d3f0000-5555-6666-7777-888888888888';
const C = 'GPU-c0ffee00-9999-aaaa-bbbb-cccccccccccc';
const MIG_C = 'MIG-7a1b2c3d-0000-1111-2222-333333333333';
const h100s: NvmlDeviceIdentity[] = [
  { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: A },
  { index: 1, name: 'NVIDIA H100 80GB HBM3', uuid: B },
  { index: 2, name: 'NVIDIA H100 80GB HBM3', uuid: C, migUuids: [MIG_C] },
];
const picked = (r: ReturnType<typeof resolveVisibleDevices>) => (r.ok ? r.devices.map((d) => [d.cudaOrdinal, d.nvmlIndex, d.uuid, d.mig]) : r.message);

describe('CUDA_VISIBLE_DEVICES → NVML devices', () => {
  it('unset: every GPU, in NVML order; set but empty: none', () => {
    expect(picked(resolveVisibleDevices(undefined, [h100s[2]!, h100s[0]!, h100s[1]!]))).toEqual([
      [0, 0, A, false],
      [1, 1, B, false],
      [2, 2, C, false],
    ]);
    expect(picked(resolveVisibleDevices('', h100s))).toEqual([]);
  });

  it('ordinals, in the order written (CUDA ordinal 0 is the first entry)', () => {
    expect(picked(resolveVisibleDevices('2, 0', h100s))).toEqual([
      [0, 2, C, false],
      [1, 0, A, false],
    ]);
  });

  it('full UUIDs and unique prefixes, case-insensitively; an ambiguous prefix ends the list', () => {
    expect(picked(resolveVisibleDevices(`${B},gpu-C0FF`, h100s))).toEqual([
      [0, 1, B, false],
      [1, 2, C, false],
    ]);
    const ambiguous = resolveVisibleDevices('GPU-c0ff,GPU-8d3', h100s);
    expect(picked(ambiguous)).toEqual([[0, 2, C, false]]);
    expect(ambiguous.ok && ambiguous.warnings[0]).toMatch(/"GPU-8d3" is a prefix of 2 GPU UUIDs.*every entry after it/);
  });

  it('MIG instances map to their parent GPU, in both UUID forms', () => {
    expect(picked(resolveVisibleDevices(MIG_C, h100s))).toEqual([[0, 2, C, true]]);
    expect(picked(resolveVisibleDevices(`MIG-${A}/1/0`, h100s))).toEqual([[0, 0, A, true]]);
    // The modern form needs NVML's MIG list; without it the entry names nothing.
    const noList = h100s.map(({ migUuids: _, ...d }) => d);
    expect(picked(resolveVisibleDevices(MIG_C, noList))).toMatch(/names no GPU this machine has/);
  });

  it('stops at the first entry that names no device, as CUDA does', () => {
    const r = resolveVisibleDevices('1,7,0', h100s);
    expect(picked(r)).toEqual([[0, 1, B, false]]);
    expect(r.ok && r.warnings).toEqual(['CUDA_VISIBLE_DEVICES entry "7" is ordinal 7, but there are 3 GPUs: CUDA ignores it and every entry after it.']);
    expect(picked(resolveVisibleDevices('0,0', h100s))).toEqual([[0, 0, A, false]]);
    expect(picked(resolveVisibleDevices('-1', h100s))).toMatch(/CUDA_VISIBLE_DEVICES="-1" names no GPU this machine has \(0: GPU-8d3e/);
  });

  it('warns that ordinals may not be NVML indices on mixed GPUs unless CUDA_DEVICE_ORDER=PCI_BUS_ID', () => {
    const mixed: NvmlDeviceIdentity[] = [h100s[0]!, { index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: B }];
    const r = resolveVisibleDevices('1', mixed);
    expect(r.ok && r.warnings[0]).toMatch(/fastest first.*CUDA_DEVICE_ORDER=PCI_BUS_ID/);
    expect(resolveVisibleDevices('1', mixed, 'PCI_BUS_ID')).toMatchObject({ ok: true, warnings: [] });
    expect(resolveVisibleDevices(B, mixed)).toMatchObject({ ok: true, warnings: [] });
  });
});
