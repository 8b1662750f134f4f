import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ProfileIdSchema, type ProfileIdName } from '../../contract/api';
import { type CampaignDocument, type CampaignSummary } from '../../contract/apiCampaign';
import { err, ok, type Result } from '../../contract/result';
import type { CampaignStatus } from '../../contract/runEvents';
import type { Db } from '../store/database';

/**
 * Campaigns as the designer saves them: the study YAML is the source of truth (it round-trips with llem),
 * stored in `campaigns.study_json` as {format, yaml, profile}.
 */
const StoredStudySchema = z.object({ format: z.literal('llem-study-yaml'), yaml: z.string(), profile: ProfileIdSchema });

interface CampaignRow {
  id: string;
  name: string;
  status: CampaignSummary['status'];
  study_json: string;
  study_design_hash: string | null;
  llem_profile: string | null;
  updated_at: string;
}

function summaryOf(row: CampaignRow): CampaignSummary {
  const profile = ProfileIdSchema.safeParse(row.llem_profile);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    profile: profile.success ? profile.data : null,
    studyDesignHash: row.study_design_hash,
    updatedAt: row.updated_at,
  };
}

export function listCampaigns(db: Db): Result<CampaignSummary[]> {
  const rows = db
    .prepare('SELECT id, name, status, study_json, study_design_hash, llem_profile, updated_at FROM campaigns ORDER BY updated_at DESC LIMIT 1000')
    .all() as CampaignRow[];
  return ok(rows.map(summaryOf));
}

export function getCampaign(db: Db, id: string): Result<CampaignDocument> {
  const row = db
    .prepare('SELECT id, name, status, study_json, study_design_hash, llem_profile, updated_at FROM campaigns WHERE id = ?')
    .get(id) as CampaignRow | undefined;
  if (!row) return err('not_found', `No campaign with id ${id}.`);
  let yaml = '';
  try {
    const stored = StoredStudySchema.safeParse(JSON.parse(row.study_json));
    if (stored.success) yaml = stored.data.yaml;
  } catch {
    // A campaign created elsewhere (e.g. `llem-studio run study.yaml`) may store another shape; show no YAML.
  }
  return ok({ ...summaryOf(row), yaml });
}

export function saveCampaign(
  db: Db,
  input: { id?: string; name: string; yaml: string; profile: ProfileIdName; studyDesignHash?: string | null },
): Result<CampaignSummary> {
  const now = new Date().toISOString();
  const studyJson = JSON.stringify({ format: 'llem-study-yaml', yaml: input.yaml, profile: input.profile });
  if (!input.id) {
    const id = randomUUID();
    db.prepare(
      `INSERT INTO campaigns (id, name, study_json, study_design_hash, llem_profile, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)`,
    ).run(id, input.name, studyJson, input.studyDesignHash ?? null, input.profile, now, now);
    return getCampaign(db, id);
  }
  const existing = db.prepare('SELECT status FROM campaigns WHERE id = ?').get(input.id) as { status: string } | undefined;
  if (!existing) return err('not_found', `No campaign with id ${input.id}.`);
  if (existing.status !== 'draft') {
    return err('not_editable', `This campaign is ${existing.status}; its design can no longer change. Save it as a new campaign instead.`);
  }
  db.prepare('UPDATE campaigns SET name = ?, study_json = ?, study_design_hash = ?, llem_profile = ?, updated_at = ? WHERE id = ?').run(
    input.name,
    studyJson,
    input.studyDesignHash ?? null,
    input.profile,
    now,
    input.id,
  );
  return getCampaign(db, input.id);
}

/** Whether a campaign with this id is stored (any status, drafts included). */
export function campaignExists(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM campaigns WHERE id = ?').get(id) !== undefined;
}

/** A stored campaign's id, name and status; undefined when there is none. */
export function campaignHeader(db: Db, id: string): { id: string; name: string; status: CampaignStatus } | undefined {
  return db.prepare('SELECT id, name, status FROM campaigns WHERE id = ?').get(id) as { id: string; name: string; status: CampaignStatus } | undefined;
}

/** Campaigns past the draft stage, most recently changed first (the Runs page's list; at most 500). */
export function listStartedCampaigns(db: Db): { id: string; name: string; status: CampaignStatus; updated_at: string }[] {
  return db
    .prepare("SELECT id, name, status, updated_at FROM campaigns WHERE status <> 'draft' ORDER BY updated_at DESC LIMIT 500")
    .all() as { id: string; name: string; status: CampaignStatus; updated_at: string }[];
}

/** Every campaign's id, name and study design hash (the export groups results by them). */
export function listCampaignIdentities(db: Db): { id: string; name: string; study_design_hash: string | null }[] {
  return db.prepare('SELECT id, name, study_design_hash FROM campaigns').all() as { id: string; name: string; study_design_hash: string | null }[];
}

/** Campaigns with at least one stored result and how many, most recently changed first (export and push choose from these). */
export function listCampaignsWithResults(db: Db): { id: string; name: string; status: string; updatedAt: string; results: number }[] {
  return db
    .prepare(
      `SELECT c.id, c.name, c.status, c.updated_at AS updatedAt, COUNT(r.id) AS results
       FROM campaigns c JOIN runs ru ON ru.campaign_id = c.id JOIN results r ON r.run_id = ru.id
       GROUP BY c.id ORDER BY c.updated_at DESC, c.id`,
    )
    .all() as { id: string; name: string; status: string; updatedAt: string; results: number }[];
}

/** Results that belong to no campaign (imported files). */
export function countImportedResults(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM results r LEFT JOIN runs ru ON ru.id = r.run_id WHERE ru.campaign_id IS NULL').get() as { n: number }).n;
}

/** The stored study (JSON) of a campaign and its experiments in order (at most 10,000), for their labels. */
export function readCampaignExperiments(db: Db, campaignId: string): { studyJson: string | null; experiments: { id: number; config_json: string; summary: string }[] } {
  const campaign = db.prepare('SELECT study_json FROM campaigns WHERE id = ?').get(campaignId) as { study_json: string } | undefined;
  const experiments = db
    .prepare('SELECT id, config_json, summary FROM experiments WHERE campaign_id = ? ORDER BY ordinal LIMIT 10000')
    .all(campaignId) as { id: number; config_json: string; summary: string }[];
  return { studyJson: campaign?.study_json ?? null, experiments };
}
