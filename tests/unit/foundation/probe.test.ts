import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LLEM_PATH_ENV, parseNvidiaSmiGpuList, probeGpus, probeLlem } from '../../../core/system/probe';

function script(body: string, name = 'llem'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-probe-'));
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('probeLlem', () => {
  it('reports the path and `llem --version` output of the llem on PATH', async () => {
    const llem = script('echo "llem v0.8.0"');
    const status = await probeLlem({ PATH: path.dirname(llem) });
    expect(status).toEqual({ found: true, path: llem, versionOutput: 'llem v0.8.0' });
  });

  it('prefers LLEM_STUDIO_LLEM over PATH', async () => {
    const onPath = script('echo "llem v1.17.0"');
    const configured = script('echo "llem v1.18.0"', 'my-llem');
    const status = await probeLlem({ PATH: path.dirname(onPath), [LLEM_PATH_ENV]: configured });
    expect(status).toMatchObject({ found: true, path: configured, versionOutput: 'llem v1.18.0' });
  });

  it('says "not found" with a reason when llem is missing or broken', async () => {
    expect(await probeLlem({ PATH: '/nonexistent' })).toMatchObject({ found: false, reason: expect.stringContaining('not found on PATH') });
    expect(await probeLlem({ PATH: '', [LLEM_PATH_ENV]: '/nonexistent/llem' })).toMatchObject({ found: false, reason: expect.stringContaining('not an executable') });
    const broken = script('echo "Traceback: boom" >&2; exit 3');
    expect(await probeLlem({ PATH: path.dirname(broken) })).toMatchObject({ found: false, reason: expect.stringMatching(/exited with 3: Traceback: boom/) });
  });
});

describe('probeGpus', () => {
  it('parses nvidia-smi output', async () => {
    const smi = script('printf "0, NVIDIA H100 80GB HBM3, 81559\\n1, NVIDIA H100 80GB HBM3, 81559\\n"', 'nvidia-smi');
    const gpus = await probeGpus({ PATH: path.dirname(smi) });
    expect(gpus).toEqual({
      found: true,
      source: 'nvidia-smi',
      devices: [
        { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMb: 81559 },
        { index: 1, name: 'NVIDIA H100 80GB HBM3', memoryTotalMb: 81559 },
      ],
    });
  });
  it('says none found without nvidia-smi or when it fails', async () => {
    expect(await probeGpus({ PATH: '/nonexistent' })).toMatchObject({ found: false });
    const failing = script('echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver" >&2; exit 9', 'nvidia-smi');
    expect(await probeGpus({ PATH: path.dirname(failing) })).toMatchObject({ found: false, reason: expect.stringContaining('could not communicate') });
  });
  it('ignores garbage lines', () => {
    expect(parseNvidiaSmiGpuList('garbage\n\n0, A100, [N/A]\nx, y, z')).toEqual([{ index: 0, name: 'A100', memoryTotalMb: null }]);
  });
});
