import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenConfig, sortedKeysJson, stableNumber, sweptPaths } from '../../../core/export/index';
import { redactDatasetPath, redactLocalPath } from '../../../core/export/privacy';
import { FileSecretStore, ingestTokenKey, isLoopbackHost, MemorySecretStore, parseRetryAfter, resolveToken } from '../../../core/push/index';
import { tempDir } from '../results/helpers';

describe('canonical JSON', () => {
  it('sorts keys at every level, indents by 2, ends with a newline, keeps __proto__ as data', () => {
    const text = sortedKeysJson(JSON.parse('{"b":1,"a":{"d":[{"z":1,"y":2}],"c":-0},"__proto__":{"x":1}}'));
    expect(text).toBe('{\n  "__proto__": {\n    "x": 1\n  },\n  "a": {\n    "c": 0,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });
  it('refuses non-finite numbers instead of writing null', () => {
    expect(() => sortedKeysJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]/);
    expect(() => sortedKeysJson({ a: Infinity })).toThrow(/non-finite/);
  });
  it('rounds to 12 significant digits so summation order does not show', () => {
    expect(stableNumber(0.1 + 0.2)).toBe(0.3);
    expect(stableNumber((0.1 + 0.2) + 0.3)).toBe(stableNumber(0.1 + (0.2 + 0.3)));
    expect(stableNumber(-0)).toBe(0);
    expect(Object.is(stableNumber(-1e-30 * 0), 0)).toBe(true);
    expect(stableNumber(123456789.1234567)).toBe(123456789.123);
  });
});

describe('personal data redaction', () => {
  it.each([
    ['/home/alice/models/llama-3', '<local>/llama-3'],
    ['~/ckpt/', '<local>/ckpt'],
    ['C:\\Users\\bob\\model', '<local>/model'],
    ['./rel/thing', '<local>/thing'],
    ['file:///srv/m', '<local>/m'],
    ['meta-llama/Llama-3-8B', 'meta-llama/Llama-3-8B'],
    ['gpt2', 'gpt2'],
  ])('model %s → %s', (input, expected) => expect(redactLocalPath(input)).toBe(expected));
  it.each([
    ['aienergyscore', 'aienergyscore'],
    ['data/prompts.jsonl', '<local>/prompts.jsonl'],
    ['prompts.jsonl', '<local>/prompts.jsonl'],
    ['/home/alice/p.jsonl', '<local>/p.jsonl'],
  ])('dataset %s → %s', (input, expected) => expect(redactDatasetPath(input)).toBe(expected));
});

describe('swept parameters', () => {
  it('are the leaves that differ, absence included; nulls, output_dir, model and runner_* are not parameters', () => {
    const a = flattenConfig({ model: 'm', output_dir: '/x', runner_image: 'i', n: 10, pytorch: { batch_size: 1 }, vllm: null, decoder: { temperature: 1 } });
    const b = flattenConfig({ model: 'n', output_dir: '/y', n: 10, pytorch: { batch_size: 4 }, vllm: null, decoder: { temperature: 1 } });
    const c = flattenConfig({ model: 'm', n: 10, pytorch: null, vllm: { engine: { max_num_seqs: 64 } }, decoder: { temperature: 1 }, lora: { targets: ['q', 'v'] } });
    expect([...a.keys()].sort()).toEqual(['decoder.temperature', 'n', 'pytorch.batch_size']);
    expect(sweptPaths([a, b])).toEqual(['pytorch.batch_size']);
    expect(sweptPaths([a, b, c])).toEqual(['lora.targets', 'pytorch.batch_size', 'vllm.engine.max_num_seqs']);
    expect(c.get('lora.targets')).toBe('["q","v"]');
    expect(sweptPaths([a])).toEqual([]);
  });
});

describe('endpoint and retry rules', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]', '::1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['10.0.0.1', 'example.org', 'localhost.example.org', '[::2]', '128.0.0.1', 'foo.localhost']) expect(isLoopbackHost(h), h).toBe(false);
  });
  it('parses Retry-After as seconds or an HTTP date, ignoring anything else', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    for (const v of [null, '', '-5', '1.5', 'soon', '99999999999']) expect(parseRetryAfter(v), String(v)).toBeUndefined();
  });
});

describe('secret stores and the token', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('llem-secrets-')));
  afterEach(() => dir.cleanup());

  it('FileSecretStore round-trips, writes 0600, deletes, and keeps keys as data', async () => {
    const s = new FileSecretStore(dir.dir);
    expect(await s.get('k')).toEqual({ ok: true, value: null });
    expect((await s.set('__proto__', 'v1')).ok).toBe(true);
    expect((await s.set('k', 'v2')).ok).toBe(true);
    expect(statSync(s.file).mode & 0o777).toBe(0o600);
    expect(await s.get('__proto__')).toEqual({ ok: true, value: 'v1' });
    expect(await s.get('toString')).toEqual({ ok: true, value: null });
    expect((await s.delete('k')).ok).toBe(true);
    expect(await s.get('k')).toEqual({ ok: true, value: null });
  });

  it('LLEM_STUDIO_TOKEN wins; else the token stored for that origin only', async () => {
    const store = new MemorySecretStore();
    await store.set(ingestTokenKey('https://a.example'), 'stored-a');
    expect(await resolveToken('https://a.example', store, { LLEM_STUDIO_TOKEN: ' env-tok ' })).toEqual({ ok: true, value: { token: 'env-tok', source: 'env' } });
    expect(await resolveToken('https://a.example', store, {})).toEqual({ ok: true, value: { token: 'stored-a', source: 'store' } });
    const other = await resolveToken('https://b.example', store, {});
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error.code).toBe('no_token');
  });
});
