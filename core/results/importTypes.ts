/** What happened to one file in an import (llem result or reference data). */
export type FileKind =
  | 'llem_result'
  | 'llem_manifest'
  | 'llem_bundle_sidecar'
  | 'mlenergy_v3_index'
  | 'mlenergy_v3_task'
  | 'mlenergy_v2_config'
  | 'mlenergy_v2_models';

export interface AddedEntry {
  path: string;
  kind: FileKind;
  /** llem results: the new `results.id`. */
  resultId?: number;
  /** Reference files: the dataset the rows went into, and how many rows. */
  datasetId?: number;
  datasetLabel?: string;
  rows?: number;
  /** llem results: true/false/null (not checked). */
  hashVerified?: boolean | null;
  /** Things worth knowing that did not stop the import (hash mismatch, missing timeseries…). */
  notes: string[];
}

export interface DuplicateEntry {
  path: string;
  kind: FileKind;
  resultId?: number;
  datasetId?: number;
  matchedBy: 'sha256' | 'natural_key';
  /** The runner re-reported a hand-imported result: it is now that run's measurement. */
  linked?: boolean;
}

export interface RejectedEntry {
  path: string;
  kind: FileKind | null;
  reason: string;
  issues?: { path: string; message: string }[];
}

export interface IgnoredEntry {
  path: string;
  reason: string;
}

export interface ImportReport {
  added: AddedEntry[];
  duplicates: DuplicateEntry[];
  rejected: RejectedEntry[];
  /** Files met while walking folders that are neither results nor reference data (manifests, logs…). */
  ignored: IgnoredEntry[];
}
