import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adaptiveCampaignsOfGrid,
  readAdaptiveCampaign,
  readProposals,
  recordOutcome,
  recordProposal,
  saveAdaptiveCampaign,
  setStoppedBecause,
} from '../../../core/adaptive/adaptiveStore';
import { openDatabase, type Db } from '../../../core/store/database';

let dir: string;
let db: Db;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Db {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-m010-'));
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  db = opened.value;
  return db;
}

const settings = { seed: 7, sampler: 'tpe' as const, objectives: ['energy' as const, 'throughput' as const], constraints: [{ metric: 'ttft_p95' as const, max: 250 }], budget: 4, patience: null };
const proposal = (runIndex: number) => ({
  runIndex,
  configKey: `k${runIndex}`,
  trial: runIndex,
  sampler: 'tpe' as const,
  mode: 'startup' as const,
  why: `TPE proposal (trial ${runIndex})`,
  told: [...Array(runIndex).keys()].map((i) => ({ runIndex: i, outcome: 'feasible' as const, values: [1 / (i + 1), 10 * i] })),
  front: [...Array(runIndex).keys()],
});

describe('migration 010 (adaptive) and core/adaptive/adaptiveStore.ts', () => {
  it('keeps settings, grid and each proposal with its reasons and outcome; a larger budget updates the same campaign', () => {
    const d = open();
    saveAdaptiveCampaign(d, { campaignId: 'adaptive-1', gridCampaignId: 'grid', settings, gridSize: 3, grid: [{ key: 'k0', label: 'bf16' }], origin: 'app' });
    recordProposal(d, 'adaptive-1', proposal(0));
    recordProposal(d, 'adaptive-1', proposal(1));
    recordOutcome(d, 'adaptive-1', 0, 'violates', { values: [0.5, 90], constraints: [{ metric: 'ttft_p95', max: 250, value: 300, satisfied: false }], reason: null });
    const stored = readProposals(d, 'adaptive-1');
    expect(stored.map((p) => [p.runIndex, p.mode, p.outcome])).toEqual([
      [0, 'startup', 'violates'],
      [1, 'startup', null],
    ]);
    expect(stored[1]!.told).toEqual(proposal(1).told);
    expect(stored[0]!.outcomeDetail?.constraints[0]).toMatchObject({ value: 300, satisfied: false });
    // A crash before run 1 ran: the next proposal for run 1 replaces the old one.
    recordProposal(d, 'adaptive-1', { ...proposal(1), configKey: 'k9', mode: 'model' });
    expect(readProposals(d, 'adaptive-1').map((p) => p.configKey)).toEqual(['k0', 'k9']);

    setStoppedBecause(d, 'adaptive-1', 'budget');
    expect(readAdaptiveCampaign(d, 'adaptive-1')?.stoppedBecause).toBe('budget');
    saveAdaptiveCampaign(d, { campaignId: 'adaptive-1', gridCampaignId: 'grid', settings: { ...settings, budget: 8 }, gridSize: 3, grid: [{ key: 'k0', label: 'bf16' }], origin: 'app' });
    expect(readAdaptiveCampaign(d, 'adaptive-1')).toMatchObject({ settings: { budget: 8 }, stoppedBecause: null, origin: 'app', gridCampaignId: 'grid' });
    expect(adaptiveCampaignsOfGrid(d, 'grid')).toEqual(['adaptive-1']);
    expect(readAdaptiveCampaign(d, 'nope')).toBeNull();
  });

  it('refuses unknown modes, samplers and outcomes; deleting the campaign removes the search and its proposals', () => {
    const d = open();
    saveAdaptiveCampaign(d, { campaignId: 'adaptive-1', gridCampaignId: 'grid', settings, gridSize: 3, grid: [], origin: 'cli' });
    expect(() => recordProposal(d, 'adaptive-1', { ...proposal(0), mode: 'hunch' as never })).toThrow(/CHECK/);
    expect(() => recordProposal(d, 'adaptive-1', { ...proposal(0), sampler: 'cmaes' as never })).toThrow(/CHECK/);
    recordProposal(d, 'adaptive-1', proposal(0));
    expect(() => d.prepare("UPDATE adaptive_proposals SET outcome = 'great'").run()).toThrow(/CHECK/);
    expect(() => recordProposal(d, 'adaptive-missing', proposal(0))).toThrow(/FOREIGN KEY/);
    d.exec(`INSERT INTO campaigns (id, name, study_json, status, created_at, updated_at) VALUES ('adaptive-1', 'a', '{}', 'completed', 'now', 'now');
            DELETE FROM campaigns WHERE id = 'adaptive-1';`);
    expect(d.prepare('SELECT COUNT(*) FROM adaptive_campaigns').pluck().get()).toBe(0);
    expect(d.prepare('SELECT COUNT(*) FROM adaptive_proposals').pluck().get()).toBe(0);
  });
});
