import { describe, expect, it } from 'vitest';
import { PyJsonError, canonicalJson, compareCodePoints, encodeJsonFloat } from '../../../contract/llem/canonicalJson';
import { PyDict, PyFloat, PyOpaque, formatPyFloatRepr } from '../../../contract/llem/pyValue';
import { hash16, sha256Hex } from '../../../core/llem/hashing';

describe('Python float repr (contract §3.3 examples)', () => {
  const cases: [number, string][] = [
    [1.0, '1.0'],
    [0.05, '0.05'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [1234567890123456.0, '1234567890123456.0'],
    [-0.0, '-0.0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [123.456, '123.456'],
    [1e22, '1e+22'],
    [9999999999999998.0, '9999999999999998.0'],
    [0.001, '0.001'],
  ];
  for (const [x, s] of cases) it(`${s}`, () => expect(encodeJsonFloat(x)).toBe(s));
  it('NaN and infinities as json.dumps writes them', () => {
    expect(encodeJsonFloat(NaN)).toBe('NaN');
    expect(encodeJsonFloat(Infinity)).toBe('Infinity');
    expect(encodeJsonFloat(-Infinity)).toBe('-Infinity');
    expect(formatPyFloatRepr(Infinity)).toBe('inf');
  });
});

describe('canonical JSON = json.dumps(sort_keys=True)', () => {
  it('separators, key order and nesting', () => {
    const d = PyDict.fromObject({ b: 1, a: [true, null, new PyFloat(2)], c: PyDict.fromObject({}) });
    expect(canonicalJson(d)).toBe('{"a": [true, null, 2.0], "b": 1, "c": {}}');
  });
  it('escapes: lowercase \\uXXXX, surrogate pairs, DEL, short escapes; / unescaped', () => {
    expect(canonicalJson('é😀\u007f"\\\n\t/\u0001')).toBe('"\\u00e9\\ud83d\\ude00\\u007f\\"\\\\\\n\\t/\\u0001"');
  });
  it('keys sort by code point (astral after U+FFFF-range BMP chars)', () => {
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    const d = PyDict.fromObject({ '😀': 1, '\uffff': 2, a: 3 });
    expect(canonicalJson(d)).toBe('{"a": 3, "\\uffff": 2, "\\ud83d\\ude00": 1}');
  });
  it('all-int keys sort numerically then become strings', () => {
    const d = PyDict.from([
      [10, 'x'],
      [2, 'y'],
    ]);
    expect(canonicalJson(d)).toBe('{"2": "y", "10": "x"}');
  });
  it('mixed key types raise like Python (llem crashes there)', () => {
    const d = PyDict.from([
      [0, '10GiB'],
      ['cpu', '50GiB'],
    ]);
    expect(() => canonicalJson(d)).toThrow(PyJsonError);
  });
  it('big ints print exactly; -0 int prints 0', () => {
    expect(canonicalJson([123456789012345678901234567890n, -0])).toBe('[123456789012345678901234567890, 0]');
  });
  it('dates are not JSON serialisable unless default=str', () => {
    const v = new PyOpaque('date', '2001-12-14');
    expect(() => canonicalJson(v)).toThrow(/not JSON serializable/);
    expect(canonicalJson(v, { defaultStr: true })).toBe('"2001-12-14"');
  });
  it('compact, non-ASCII variant (PyPI resolved hash)', () => {
    expect(canonicalJson(PyDict.fromObject({ b: 'é', a: [1, 2] }), { compact: true, ensureAscii: false })).toBe('{"a":[1,2],"b":"é"}');
  });
  it('hash16 is the first 16 hex of SHA-256 of the canonical text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hash16('abc')).toBe(sha256Hex('"abc"').slice(0, 16));
  });
});
