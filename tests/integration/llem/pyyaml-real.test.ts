/**
 * Cross-check the YAML reader and the float formatting against the real PyYAML and CPython
 * (the Python of the llem venv): 3,000 documents (random trees written by our emitter, mutated
 * studies, YAML 1.1 scalar quirks) must load to the same typed values or both be rejected, and
 * 3,000 random doubles must print like Python's `json.dumps`.
 * Skips (with the reason) without the venv; fails instead under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeJsonFloat } from '../../../contract/llem/canonicalJson';
import { PyDict, PyFloat, PyOpaque, type PyValue } from '../../../contract/llem/pyValue';
import { emitYaml } from '../../../core/llem/configWriter';
import { YamlLoadError, loadYaml11 } from '../../../core/llem/yaml11';
import { locateLlemVenv, requireLlemOrSkip } from '../../helpers/llemOracle';

const skip = requireLlemOrSkip();

const PY = String.raw`
import json, sys, yaml, datetime
def tag(v):
    if v is None: return ["none"]
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, int): return ["int", str(v)]
    if isinstance(v, float): return ["float", repr(v)]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, (datetime.date, datetime.datetime)): return ["date"]
    if isinstance(v, bytes): return ["bytes"]
    if isinstance(v, (set, frozenset)): return ["set"]
    if isinstance(v, tuple): return ["tuple"]
    if isinstance(v, list): return ["list", [tag(x) for x in v]]
    if isinstance(v, dict): return ["dict", [[tag(k), tag(x)] for k, x in v.items()]]
    return ["?", type(v).__name__]
out = []
for doc in json.load(sys.stdin):
    try:
        out.append(["ok", tag(yaml.safe_load(doc))])
    except Exception as e:
        out.append(["err", type(e).__name__])
print(json.dumps(out))
`;

function tag(v: PyValue): unknown {
  if (v === null) return ['none'];
  if (typeof v === 'boolean') return ['bool', v];
  if (typeof v === 'number' || typeof v === 'bigint') return ['int', v.toString()];
  if (v instanceof PyFloat) return ['float', pyFloatRepr(v.value)];
  if (typeof v === 'string') return ['str', v];
  if (v instanceof PyOpaque) return v.pyType === 'datetime' ? ['date'] : [v.pyType];
  if (Array.isArray(v)) return ['list', v.map(tag)];
  return ['dict', [...(v as PyDict).entries()].map(([k, x]) => [tag(k as PyValue), tag(x)])];
}

function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return encodeJsonFloat(x);
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = ['yes', 'No', 'on', 'y', '~', '1e-5', '1.0e-05', '1.0e+5', '017', '09', '0o17', '0x1F', '1_000', '1:30', '1:30.5', '-.5', '.5', '1.', '+.inf', '.NaN', '2001-12-14', '=', '<<', '0b101', '-0', '00', '1_', '_1', '12:60', '-1:30', '0.1_0', '1__0'];

function randomTree(r: () => number, depth: number): PyValue {
  const k = r();
  if (depth > 3 || k < 0.45) {
    const options: PyValue[] = [null, true, false, Math.floor((r() - 0.5) * 1e6), new PyFloat((r() - 0.5) * 10 ** Math.floor(r() * 30 - 15)), 'text', 'ünï 😀', SCALARS[Math.floor(r() * SCALARS.length)] as string];
    return options[Math.floor(r() * options.length)] as PyValue;
  }
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomTree(r, depth + 1));
  const d = new PyDict();
  for (let i = 0; i < Math.floor(r() * 4); i++) d.set(r() < 0.8 ? `k${Math.floor(r() * 5)}` : Math.floor(r() * 3), randomTree(r, depth + 1));
  return d;
}

function documents(n: number): string[] {
  const r = rng(Number(process.env.PYYAML_SEED ?? 7));
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.4) docs.push(emitYaml(randomTree(r, 0)));
    else if (x < 0.75) docs.push(`a: ${SCALARS[Math.floor(r() * SCALARS.length)]}\nb: [${SCALARS[Math.floor(r() * SCALARS.length)]}, ${SCALARS[Math.floor(r() * SCALARS.length)]}]\n`);
    else {
      let t = emitYaml(randomTree(r, 0)).replace(/"/g, r() < 0.5 ? '' : '"');
      const pos = Math.floor(r() * t.length);
      t = t.slice(0, pos) + ['&x ', '*x', '<<: ', '- ', ': ', '{', '[', '!!str ', '? '][Math.floor(r() * 9)] + t.slice(pos);
      docs.push(t);
    }
  }
  return docs;
}

function runPython(script: string, input: string): string {
  const loc = locateLlemVenv();
  if (!loc.found) throw new Error(loc.reason);
  const r = spawnSync(loc.python, ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(skip)('YAML reader and float repr vs the real PyYAML / CPython', () => {
  it('3000 documents load to the same typed values as yaml.safe_load (or both fail)', () => {
    const docs = documents(Number(process.env.PYYAML_DOCS ?? 3000));
    const py = JSON.parse(runPython(PY, JSON.stringify(docs))) as [string, unknown][];
    const diffs: string[] = [];
    let loaded = 0;
    docs.forEach((doc, i) => {
      let mine: [string, unknown];
      try {
        mine = ['ok', tag(loadYaml11(doc))];
      } catch (e) {
        if (!(e instanceof YamlLoadError)) throw e;
        mine = ['err', e.message];
      }
      const theirs = py[i] as [string, unknown];
      if (mine[0] === 'ok') loaded++;
      if (mine[0] !== theirs[0] || (mine[0] === 'ok' && JSON.stringify(mine[1]) !== JSON.stringify(theirs[1]))) {
        diffs.push(`#${i}\n${doc}\n  PyYAML: ${JSON.stringify(theirs).slice(0, 300)}\n  ours:   ${JSON.stringify(mine).slice(0, 300)}`);
      }
    });
    if (process.env.SHOW_DIFFS) console.log(`${diffs.length} diffs\n${diffs.slice(0, 12).join('\n')}`);
    expect(diffs.slice(0, 5)).toEqual([]);
    expect(loaded).toBeGreaterThan(1500);
  });

  it('3000 random doubles print like json.dumps', () => {
    const r = rng(3);
    const buf = new Float64Array(1);
    const u32 = new Uint32Array(buf.buffer);
    const xs: number[] = [];
    while (xs.length < 3000) {
      u32[0] = Math.floor(r() * 2 ** 32);
      u32[1] = Math.floor(r() * 2 ** 32);
      const x = buf[0] as number;
      if (Number.isFinite(x)) xs.push(x);
    }
    xs.push(1e16, 1e-5, 0.0001, 1234567890123456, -0, 5e-324, 1.7976931348623157e308);
    const script = 'import json,sys,struct\nxs=[struct.unpack("<d", bytes.fromhex(h))[0] for h in json.load(sys.stdin)]\nprint(json.dumps([json.dumps(x) for x in xs]))';
    const hex = xs.map((x) => {
      const b = new Float64Array([x]);
      return Buffer.from(b.buffer).toString('hex');
    });
    const py = JSON.parse(runPython(script, JSON.stringify(hex))) as string[];
    const diffs = xs.map((x, i) => [encodeJsonFloat(x), py[i]]).filter(([a, b]) => a !== b);
    expect(diffs.slice(0, 5)).toEqual([]);
  });
});
