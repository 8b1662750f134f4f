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
const oneShot = (nodeCrypto as unknown as { hash?: (alg: string, data: string | Uint8Array, enc: 'hex') => string }).hash;

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  if (oneShot) return oneShot('sha256', text, 'hex');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Lowercase hex SHA-256 of `bytes` (texts assembled as UTF-8 bytes: no string to flatten and encode first). */
export function sha256HexBytes(bytes: Uint8Array): string {
  if (oneShot) return oneShot('sha256', bytes, 'hex');
  return createHash('sha256').update(bytes).digest('hex');
}

const BATCH = 1 << 16;
const SEPARATOR = Buffer.from(', ');

/**
 * Incremental study hash: `sha256("[" + texts.join(", ") + "]")[:16]` without building the string.
 * Small texts are batched into one native call per ~64 KiB: strings by concatenation (cheap for the
 * rope strings canonical JSON builds), bytes by copying into a buffer. Only one batch is pending at a
 * time, so the hashed stream keeps the texts' order.
 */
export class StudyHasher {
  private readonly h = createHash('sha256');
  private text = '[';
  private bytes: Buffer | null = null; // allocated on the first addBytes
  private used = 0;
  private first = true;

  add(canonicalText: string): void {
    this.flushBytes();
    if (!this.first) this.text += ', ';
    this.first = false;
    this.text += canonicalText;
    if (this.text.length > BATCH) this.flushText();
  }

  /** `add` for a text already encoded as UTF-8. */
  addBytes(canonicalUtf8: Uint8Array): void {
    this.flushText();
    if (!this.first) this.pushBytes(SEPARATOR);
    this.first = false;
    this.pushBytes(canonicalUtf8);
  }

  digest16(): string {
    this.flushBytes();
    this.text += ']';
    this.flushText();
    return this.h.digest('hex').slice(0, 16);
  }

  private pushBytes(b: Uint8Array): void {
    if (b.length > BATCH - this.used) this.flushBytes();
    if (b.length > BATCH) this.h.update(b);
    else {
      this.bytes ??= Buffer.allocUnsafe(BATCH);
      this.bytes.set(b, this.used);
      this.used += b.length;
    }
  }

  private flushText(): void {
    if (this.text.length === 0) return;
    this.h.update(this.text, 'utf8');
    this.text = '';
  }

  private flushBytes(): void {
    if (this.used === 0 || !this.bytes) return;
    this.h.update(this.bytes.subarray(0, this.used));
    this.used = 0;
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
