/**
 * SHA-256 helpers for llem's hashes. The canonical text comes from `contract/llem/canonicalJson`
 * (pure TS); hashing lives here because it uses `node:crypto`, which is much faster than a JS
 * SHA-256 and matters for 100k-config sweeps.
 */
import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { canonicalJson, type CanonicalJsonOptions } from '../../contract/llem/canonicalJson';
import type { PyValue } from '../../contract/llem/pyValue';

// One-shot `crypto.hash` (Node ≥ 20.12) avoids a Hash object per call — measurable on 100k configs.
const oneShot = (nodeCrypto as unknown as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  if (oneShot) return oneShot('sha256', text, 'hex');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Incremental study hash: `sha256("[" + texts.join(", ") + "]")[:16]` without building the string. */
export class StudyHasher {
  private readonly h = createHash('sha256');
  private buf = '[';
  private first = true;
  add(canonicalText: string): void {
    if (!this.first) this.buf += ', ';
    this.first = false;
    this.buf += canonicalText;
    // Batch small texts into one native call (fewer JS↔C++ crossings on 100k configs).
    if (this.buf.length > 1 << 16) {
      this.h.update(this.buf, 'utf8');
      this.buf = '';
    }
  }
  digest16(): string {
    this.h.update(`${this.buf}]`, 'utf8');
    this.buf = '';
    return this.h.digest('hex').slice(0, 16);
  }
}

/** `sha256(canonical_json(value))[:16]` — the shape of both llem hashes (contract §3.1, §2.10). */
export function hash16(value: PyValue, options?: CanonicalJsonOptions): string {
  return sha256Hex(canonicalJson(value, options)).slice(0, 16);
}

/** measurement_config_hash from a validated dump (the dump is what `dump(config)` returns). */
export function measurementConfigHash(dump: PyValue): string {
  return hash16(dump);
}

/** study_design_hash over the valid dumps in expansion order (duplicates as the profile keeps them). */
export function studyDesignHash(dumps: readonly PyValue[]): string {
  return hash16(dumps as PyValue[]);
}

/** Combine per-config canonical texts into the study hash without re-serialising each dump. */
export function studyDesignHashFromCanonical(canonicalTexts: readonly string[]): string {
  const h = createHash('sha256');
  h.update('[');
  for (let i = 0; i < canonicalTexts.length; i++) {
    if (i > 0) h.update(', ');
    h.update(canonicalTexts[i] as string, 'utf8');
  }
  h.update(']');
  return h.digest('hex').slice(0, 16);
}
