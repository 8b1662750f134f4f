import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../core/startCore';
import { TEMPLATE_SOURCES } from '../../../core/campaigns/templates';
import type { CampaignPlanView, CampaignSummary, CampaignTemplate } from '../../../contract/apiCampaign';

let dir: string;
let core: Core;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-designer-'));
  const started = startCore({ dataDir: dir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
});
afterEach(() => {
  core.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const result = await core.dispatcher.call(method, params);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

describe('campaign.plan', () => {
  it('reproduces the contract study vector (hash and run order) through the API', async () => {
    const plan = await call<CampaignPlanView>('campaign.plan', {
      profile: 'head',
      yaml: 'model: gpt2\nsweep:\n  precision: [fp32, fp16, bf16]\n  n: [10, 20]\nexecution:\n  n_cycles: 2\n  cycle_order: shuffled\n',
    });
    expect(plan.studyDesignHash).toBe('ea7f0912c9cdc832');
    expect(plan.configCount).toBe(6);
    expect(plan.runCount).toBe(12);
    // contract §2.12: fp32/20 fp16/20 bf16/20 bf16/10 fp32/10 fp16/10 · …
    expect(plan.runs.slice(0, 6).map((r) => r.configIndex)).toEqual([1, 3, 5, 4, 0, 2]);
    expect(plan.estimate.totalDurationSeconds.low).toBeLessThan(plan.estimate.totalDurationSeconds.high);
  });

  it('lists skipped combinations with llem-like reasons', async () => {
    const plan = await call<CampaignPlanView>('campaign.plan', {
      profile: 'head',
      yaml: 'model: gpt2\nsweep:\n  pytorch.load_in_4bit: [true, false]\n  pytorch.load_in_8bit: [true]\n',
    });
    expect(plan.configCount).toBe(1);
    expect(plan.skipped).toHaveLength(1);
    expect(plan.skipped[0]!.reason).toMatch(/mutually exclusive/);
  });

  it('answers bad input with an error naming the problem, never a throw', async () => {
    const typo = await core.dispatcher.call('campaign.plan', { profile: 'head', yaml: 'model: gpt2\nprecison: fp16\n' });
    expect(typo).toMatchObject({ ok: false, error: { code: 'invalid_campaign', message: expect.stringContaining("did you mean 'precision'") } });
    const broken = await core.dispatcher.call('campaign.plan', { profile: 'head', yaml: 'model: [unclosed\n' });
    expect(broken).toMatchObject({ ok: false, error: { code: 'invalid_yaml' } });
    const base = await core.dispatcher.call('campaign.plan', { profile: 'head', yaml: 'base: other.yaml\nsweep:\n  n: [1]\n' });
    expect(base.ok).toBe(false);
    if (!base.ok) expect(base.error.message).toContain('base');
    const huge = await core.dispatcher.call('campaign.plan', { profile: 'head', yaml: 'x'.repeat(1_000_001) });
    expect(huge).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});

describe('campaign.templates', () => {
  it('offers the four questions for HEAD and for the PyPI release, each planning to several configs', async () => {
    for (const profile of ['head', 'pypi-0.7.0'] as const) {
      const templates = await call<CampaignTemplate[]>('campaign.templates', { profile });
      expect(templates.map((t) => t.id).sort()).toEqual(['batch-size', 'decoding', 'precision-quantization', 'vllm-kv-cache']);
      for (const template of templates) {
        const plan = await call<CampaignPlanView>('campaign.plan', { profile, yaml: template.yaml });
        expect(plan.configCount, `${profile} ${template.id}`).toBeGreaterThanOrEqual(3);
        expect(plan.skipped, `${profile} ${template.id}`).toEqual([]);
      }
    }
  });

  it('leaves out templates a profile cannot express (nested vllm: on the v0.8 tag)', async () => {
    const ids = (await call<CampaignTemplate[]>('campaign.templates', { profile: 'v0.8' })).map((t) => t.id);
    expect(ids).not.toContain('vllm-kv-cache');
    expect(ids).toContain('batch-size');
    expect(TEMPLATE_SOURCES.length).toBe(8);
  });
});

describe('campaign documents', () => {
  it('saves, lists, reopens and updates a draft with its plan hash', async () => {
    const yaml = 'name: "x"\nmodel: gpt2\nsweep:\n  precision: [fp16, bf16]\nexecution:\n  n_cycles: 3\n  cycle_order: shuffled\n';
    const saved = await call<CampaignSummary>('campaign.save', { name: 'First', yaml, profile: 'head' });
    expect(saved).toMatchObject({ name: 'First', status: 'draft', profile: 'head' });
    expect(saved.studyDesignHash).toMatch(/^[0-9a-f]{16}$/);
    const updated = await call<CampaignSummary>('campaign.save', { id: saved.id, name: 'Renamed', yaml: yaml + '# note\n', profile: 'head' });
    expect(updated.id).toBe(saved.id);
    const list = await call<CampaignSummary[]>('campaign.list', {});
    expect(list.map((c) => c.name)).toEqual(['Renamed']);
    const doc = await call<{ yaml: string }>('campaign.get', { id: saved.id });
    expect(doc.yaml).toBe(yaml + '# note\n');
  });

  it('keeps a draft that does not plan yet, and refuses to edit a campaign that has started', async () => {
    const draft = await call<CampaignSummary>('campaign.save', { name: 'WIP', yaml: 'model: [', profile: 'head' });
    expect(draft.studyDesignHash).toBeNull();
    core.context.db.prepare("UPDATE campaigns SET status = 'running' WHERE id = ?").run(draft.id);
    const edit = await core.dispatcher.call('campaign.save', { id: draft.id, name: 'WIP', yaml: 'model: gpt2', profile: 'head' });
    expect(edit).toMatchObject({ ok: false, error: { code: 'not_editable' } });
    const missing = await core.dispatcher.call('campaign.get', { id: '00000000-0000-4000-8000-000000000000' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
