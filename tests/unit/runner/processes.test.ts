import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../core/processes/lineSplitter';

describe('LineSplitter', () => {
  it('splits on \\n, \\r\\n and \\r, across chunk boundaries, keeping UTF-8 characters whole', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('a\r\nb\rc\n✗ é\nlast', 'utf8');
    for (const b of bytes) s.push(Buffer.from([b]));
    s.end();
    expect(lines).toEqual(['a', 'b', 'c', '✗ é', 'last']);
  });

  it('gives the same lines however the stream is chunked (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('x', 'é', '\n', '\r', '\r\n', 'yz'), { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), (parts, cuts) => {
        const text = parts.join('');
        const whole: string[] = [];
        const a = new LineSplitter((l) => whole.push(l));
        a.push(Buffer.from(text));
        a.end();
        const pieces: string[] = [];
        const b = new LineSplitter((l) => pieces.push(l));
        const buf = Buffer.from(text);
        let i = 0;
        for (let k = 0; i < buf.length; k++) {
          const n = cuts[k % cuts.length]!;
          b.push(buf.subarray(i, i + n));
          i += n;
        }
        b.end();
        expect(pieces).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts over-long lines instead of buffering without bound', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push('y'.repeat(25));
    s.end();
    expect(lines.every((l) => l.length <= 10)).toBe(true);
    expect(lines.join('')).toBe('y'.repeat(25));
  });
});

// The ProcessRegistry and both process guardians: tests/unit/runner/guardian.test.ts.
