import { describe, expect, it } from 'vitest';
import { linearRange, logRange, parseValueList, readPath, writePath } from '../../../renderer/src/pages/design/studyYaml';

describe('study YAML editing', () => {
  const base = '# my study\nname: "x"\nmodel: "gpt2"   # a comment\nsweep:\n  precision: [fp16, bf16]\n';

  it('sets nested values and keeps comments', () => {
    const next = writePath(base, ['decoder', 'temperature'], 0.7);
    expect(next).toContain('# my study');
    expect(next).toContain('# a comment');
    expect(readPath(next, ['decoder', 'temperature'])).toBe(0.7);
    expect(readPath(next, ['sweep', 'precision'])).toEqual(['fp16', 'bf16']);
  });

  it('removes a value and the mapping it leaves empty', () => {
    const withValue = writePath(base, ['warmup', 'n_warmup'], 3);
    const removed = writePath(withValue, ['warmup', 'n_warmup'], undefined);
    expect(readPath(removed, ['warmup'])).toBeUndefined();
    expect(removed).not.toContain('warmup');
  });

  it('quotes strings that YAML 1.1 would read as booleans', () => {
    const next = writePath(base, ['dataset'], 'yes');
    expect(readPath(next, ['dataset'])).toBe('yes');
    expect(next).toMatch(/dataset: "yes"/);
  });

  it('writes lists of plain values on one line', () => {
    expect(writePath(base, ['sweep', 'pytorch.batch_size'], [1, 4, 16])).toContain('pytorch.batch_size: [ 1, 4, 16 ]');
  });

  it('does not rewrite a document that does not parse', () => {
    const broken = 'model: [unclosed\n';
    expect(writePath(broken, ['n'], 5)).toBe(broken);
  });

  it('parses typed value lists', () => {
    expect(parseValueList('1, 4, 16')).toEqual({ ok: true, values: [1, 4, 16] });
    expect(parseValueList('fp16, bf16')).toEqual({ ok: true, values: ['fp16', 'bf16'] });
    expect(parseValueList('[{preset: standard}, {preset: creative}]')).toEqual({ ok: true, values: [{ preset: 'standard' }, { preset: 'creative' }] });
    expect(parseValueList('[unclosed').ok).toBe(false);
  });

  it('fills linear and geometric ranges', () => {
    expect(linearRange(0.1, 0.5, 0.1)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(logRange(1, 64, 2)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(logRange(1, 64, 1)).toBeNull();
    expect(linearRange(5, 1, 1)).toBeNull();
  });
});

describe('form and YAML agree on PyYAML keys (issue 17, point 5)', () => {
  it('reads `n: 100` as the field n, and writing it changes that key instead of adding a quoted second one', () => {
    const yaml = 'name: "t"\nmodel: "gpt2"\nn: 100\n';
    expect(readPath(yaml, ['n'])).toBe(100);
    const written = writePath(yaml, ['n'], 50);
    expect(written).toBe('name: "t"\nmodel: "gpt2"\nn: 50\n');
  });

  it('keeps PyYAML booleans (yes/no/on/off) and writes true/false', () => {
    expect(readPath('a: yes\nb: off\nc: y\n', ['a'])).toBe(true);
    expect(readPath('a: yes\nb: off\nc: y\n', ['b'])).toBe(false);
    expect(readPath('a: yes\nb: off\nc: y\n', ['c'])).toBe('y');
    expect(writePath('x: 1\n', ['pytorch', 'load_in_8bit'], true)).toBe('x: 1\npytorch:\n  load_in_8bit: true\n');
  });
});
