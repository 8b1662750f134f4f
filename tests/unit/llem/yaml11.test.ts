import { describe, expect, it } from 'vitest';
import { PyDict, PyFloat, PyOpaque, type PyValue } from '../../../contract/llem/pyValue';
import { YamlLoadError, loadYaml11 } from '../../../core/llem/yaml11';

/** Tag a PyValue with its Python type for comparisons. */
function tag(v: PyValue | undefined): unknown {
  if (v === null) return ['none'];
  if (typeof v === 'boolean') return ['bool', v];
  if (typeof v === 'string') return ['str', v];
  if (typeof v === 'number' || typeof v === 'bigint') return ['int', v.toString()];
  if (v instanceof PyFloat) return ['float', Object.is(v.value, -0) ? '-0' : String(v.value)];
  if (v instanceof PyOpaque) return [v.pyType, v.text];
  if (Array.isArray(v)) return ['list', v.map(tag)];
  if (v instanceof PyDict) return ['dict', [...v.entries()].map(([k, x]) => [tag(k as PyValue), tag(x)])];
  return ['?'];
}

const scalar = (text: string): unknown => tag((loadYaml11(`a: ${text}`) as PyDict).get('a'));

// Expected values were produced by PyYAML 6.0.4 `yaml.safe_load` (CPython 3.11).
const PYYAML: [string, unknown][] = [
  ['1e-5', ['str', '1e-5']],
  ['1.0e-05', ['float', '0.00001']],
  ['1.0e+5', ['float', '100000']],
  ['1e5', ['str', '1e5']],
  ['1.5e3', ['str', '1.5e3']],
  ['1.5e+3', ['float', '1500']],
  ['017', ['int', '15']],
  ['0o17', ['str', '0o17']],
  ['0x1F', ['int', '31']],
  ['+0x10', ['int', '16']],
  ['1_000', ['int', '1000']],
  ['1__0', ['int', '10']],
  ['1_', ['int', '1']],
  ['_1', ['str', '_1']],
  ['1:30', ['int', '90']],
  ['190:20:30', ['int', '685230']],
  ['-1:30', ['int', '-90']],
  ['1.5:30', ['str', '1.5:30']],
  ['1:30.5', ['float', '90.5']],
  ['yes', ['bool', true]],
  ['No', ['bool', false]],
  ['ON', ['bool', true]],
  ['Off', ['bool', false]],
  ['TRUE', ['bool', true]],
  ['tRue', ['str', 'tRue']],
  ['y', ['str', 'y']],
  ['n', ['str', 'n']],
  ['~', ['none']],
  ['null', ['none']],
  ['', ['none']],
  ['.inf', ['float', 'Infinity']],
  ['-.Inf', ['float', '-Infinity']],
  ['+.inf', ['float', 'Infinity']],
  ['.nan', ['float', 'NaN']],
  ['.NaN', ['float', 'NaN']],
  ['1.0', ['float', '1']],
  ['1.', ['float', '1']],
  ['.5', ['float', '0.5']],
  ['-.5', ['str', '-.5']],
  ['-0.0', ['float', '-0']],
  ['+1', ['int', '1']],
  ['-0', ['int', '0']],
  ['00', ['int', '0']],
  ['09', ['str', '09']],
  ['0_17', ['int', '15']],
  ['0b101', ['int', '5']],
  ['0b1_0', ['int', '2']],
  ['0b', ['str', '0b']],
  ['0x_1', ['int', '1']],
  ['1e', ['str', '1e']],
  ['1.e+3', ['float', '1000']],
  ['0.1_0', ['float', '0.1']],
  ['1_0.5', ['float', '10.5']],
  ['.', ['str', '.']],
  ['123456789012345678901234567890', ['int', '123456789012345678901234567890']],
  ['2001-12-14', ['date', '2001-12-14']],
  ['"yes"', ['str', 'yes']],
  ["'017'", ['str', '017']],
  ['!!float 1', ['float', '1']],
  ['!!int "3"', ['int', '3']],
  ['!!str 1.5', ['str', '1.5']],
  ['! 5', ['str', '5']],
];

describe('yaml11: scalars resolve exactly as PyYAML safe_load', () => {
  for (const [text, expected] of PYYAML) {
    it(`a: ${text}`, () => expect(scalar(text)).toEqual(expected));
  }
  it('keeps int vs float for free-form values', () => {
    const d = loadYaml11('x: [1, 1.0, 2.5, -0]') as PyDict;
    expect(tag(d.get('x'))).toEqual(['list', [['int', '1'], ['float', '1'], ['float', '2.5'], ['int', '0']]]);
  });
});

describe('yaml11: structure', () => {
  it('keys keep YAML order and Python key types (on → True, which equals 1)', () => {
    // PyYAML: {'b': 1, True: 3, '1': 4, 'a': 5} — `on` is True and the int key 1 is the same key.
    const d = loadYaml11('b: 1\non: 2\n1: 3\n"1": 4\na: 5') as PyDict;
    expect([...d.keys()].map((k) => tag(k as PyValue))).toEqual([['str', 'b'], ['bool', true], ['str', '1'], ['str', 'a']]);
    expect(d.get(true)).toBe(3);
    expect(d.get('1')).toBe(4);
  });
  it('True and 1 are the same dict key (first key kept, last value wins)', () => {
    const d = loadYaml11('1: a\ntrue: b\n1.0: c') as PyDict;
    expect(d.size).toBe(1);
    expect(tag([...d.entries()][0]?.[0] as PyValue)).toEqual(['int', '1']);
    expect(d.get(1)).toBe('c');
  });
  it('duplicate keys: last value wins at the first position', () => {
    const d = loadYaml11('a: 1\nb: 2\na: 3') as PyDict;
    expect([...d.keys()]).toEqual(['a', 'b']);
    expect(d.get('a')).toBe(3);
  });
  it('merge keys: merged pairs come first, own keys override, earlier list entries win', () => {
    const d = loadYaml11('base: &b {x: 1, y: 1}\nother: &o {y: 2, z: 2}\nm:\n  <<: [*b, *o]\n  w: 0\n  x: 9') as PyDict;
    const m = d.get('m') as PyDict;
    expect([...m.keys()]).toEqual(['y', 'z', 'x', 'w']);
    expect(m.get('x')).toBe(9);
    expect(m.get('y')).toBe(1);
    expect(m.get('z')).toBe(2);
  });
  it('a quoted "<<" is an ordinary key', () => {
    const d = loadYaml11('"<<": 1') as PyDict;
    expect(d.get('<<')).toBe(1);
  });
  it('aliases give equal (independent) copies', () => {
    const d = loadYaml11('a: &x [1, {k: v}]\nb: *x') as PyDict;
    expect(tag(d.get('b'))).toEqual(tag(d.get('a')));
  });
  it('empty document is None; a bare scalar document is that scalar', () => {
    expect(loadYaml11('')).toBeNull();
    expect(loadYaml11('# only a comment\n')).toBeNull();
    expect(loadYaml11('42')).toBe(42);
  });
  it('!!set, !!omap, !!binary, timestamps become opaque Python objects', () => {
    const d = loadYaml11('s: !!set {a, b}\no: !!omap [{x: 1}]\nb: !!binary aGk=\nt: 2001-12-14 21:59:43.10 -5') as PyDict;
    expect((d.get('s') as PyOpaque).pyType).toBe('set');
    expect(((d.get('o') as PyValue[])[0] as PyOpaque).pyType).toBe('tuple');
    expect((d.get('b') as PyOpaque).pyType).toBe('bytes');
    expect((d.get('t') as PyOpaque).pyType).toBe('datetime');
  });
  it('a leading BOM is ignored', () => {
    expect((loadYaml11('\ufeffa: 1') as PyDict).get('a')).toBe(1);
  });
});

describe('yaml11: errors name the place', () => {
  const err = (text: string | Uint8Array, limits = {}): YamlLoadError => {
    try {
      loadYaml11(text, limits);
    } catch (e) {
      if (e instanceof YamlLoadError) return e;
      throw e;
    }
    throw new Error('expected a YamlLoadError');
  };
  it('syntax errors carry line and column', () => {
    const e = err('a: 1\nb: [1, 2\nc: 3\n');
    expect(e.line).toBeGreaterThan(1);
    expect(e.message).toMatch(/line \d+, column \d+/);
  });
  it('unhashable keys are refused with the key path', () => {
    const e = err('sweep:\n  ? [1, 2]\n  : x\n');
    expect(e.message).toMatch(/unhashable key/);
    expect(e.message).toMatch(/sweep/);
    expect(e.line).toBe(2);
  });
  it('unknown tags are refused like PyYAML', () => {
    expect(err('a: !!python/name:os.system x').message).toMatch(/could not determine a constructor/);
    expect(err('a: !custom 4').message).toMatch(/!custom/);
  });
  it('an unquoted "=" value is refused (PyYAML value tag), a "=" key is a string', () => {
    expect(err('a: =').message).toMatch(/=/);
    expect((loadYaml11('=: 1') as PyDict).get('=')).toBe(1);
  });
  it('more than one document is refused', () => {
    expect(err('a: 1\n---\nb: 2\n').message).toMatch(/single document/);
  });
  it('invalid UTF-8 is refused with the byte offset', () => {
    const e = err(new Uint8Array([0x61, 0x3a, 0x20, 0xc3, 0x28]));
    expect(e.message).toMatch(/not valid UTF-8.*offset 3/);
  });
  it('control characters PyYAML rejects are refused', () => {
    expect(err('a: "x\u0001"').message).toMatch(/unacceptable character #x0001/);
  });
  it('an alias bomb is refused quickly instead of expanding', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const t0 = Date.now();
    const e = err(lines.join('\n'));
    expect(e.message).toMatch(/expands to more than/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('recursive aliases are refused', () => {
    expect(err('a: &a [1, *a]').message).toMatch(/recursive|undefined alias/);
  });
  it('nesting deeper than the limit is refused with a path', () => {
    const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
    expect(err(`a: ${deep}`).message).toMatch(/nest/);
  });
  it('documents over the size limit are refused', () => {
    expect(err('a: 1\n'.repeat(100), { maxBytes: 100 }).message).toMatch(/larger than 100 bytes/);
  });
});
