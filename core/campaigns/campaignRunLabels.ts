import { parse as parseYaml } from 'yaml';
import { distinguishingLabels, sweptKeysOf, type JsonValue } from '../../contract/runLabels';
import type { Db } from '../store/database';
import { readCampaignExperiments } from './campaignStore';

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}

/** The sweep keys of a stored campaign: from its designer YAML, or from a study stored as JSON (`llem-studio run`). */
function storedSweptKeys(studyJson: string): string[] {
  const stored = parseJson(studyJson);
  if (stored && typeof stored === 'object' && !Array.isArray(stored) && typeof stored.yaml === 'string') {
    try {
      return sweptKeysOf(parseYaml(stored.yaml) as JsonValue);
    } catch {
      return [];
    }
  }
  return sweptKeysOf(stored);
}

/**
 * Distinguishing labels (contract/runLabels.ts) of a campaign's experiments, by experiment id: the values that vary
 * between its configs, swept ones first. An experiment whose config says nothing apart gets llem's summary.
 */
export function campaignExperimentLabels(db: Db, campaignId: string): Map<number, string> {
  const { studyJson, experiments } = readCampaignExperiments(db, campaignId);
  const labels = distinguishingLabels(
    experiments.map((e) => parseJson(e.config_json)),
    { sweptKeys: studyJson !== null ? storedSweptKeys(studyJson) : [] },
  );
  return new Map(experiments.map((e, i) => [e.id, labels[i] || e.summary]));
}
