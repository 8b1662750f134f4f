/**
 * A hashed text as fixed pieces with holes for swept leaves, assembled as UTF-8 bytes:
 * text = pieces[0] + leaf(holes[0]) + pieces[1] + … + leaf(holes[n-1]) + pieces[n].
 * Pieces are cut at sentinel strings (ASCII and NUL, so a cut never splits a UTF-8 sequence).
 */

export interface TextTemplate {
  pieces: Buffer[];
  /** Dimension of each hole, in text order. */
  holes: number[];
  /** Per dimension, per value index: the leaf's text (empty where the value is not templated). */
  leaves: Buffer[][];
  scratch: Buffer;
}

/** `text` cut at `markers` (each must occur exactly once): the pieces, and which marker each cut was. */
export function splitAtMarkers(text: string, markers: readonly string[]): { pieces: string[]; holes: number[] } | null {
  const found: { at: number; d: number }[] = [];
  for (let d = 0; d < markers.length; d++) {
    const m = markers[d] as string;
    const at = text.indexOf(m);
    if (at < 0 || text.indexOf(m, at + 1) >= 0) return null;
    found.push({ at, d });
  }
  found.sort((a, b) => a.at - b.at);
  const pieces: string[] = [];
  let from = 0;
  for (const f of found) {
    if (f.at < from) return null; // overlapping markers
    pieces.push(text.slice(from, f.at));
    from = f.at + (markers[f.d] as string).length;
  }
  pieces.push(text.slice(from));
  return { pieces, holes: found.map((f) => f.d) };
}

/**
 * The text of hole `d` in `text`, a rendering of the split text with every other hole still holding its
 * marker; null when `text` is not of that shape.
 */
export function cutHole(split: { pieces: string[]; holes: number[] }, markers: readonly string[], d: number, text: string): string | null {
  const { pieces, holes } = split;
  const h = holes.indexOf(d);
  let prefix = pieces[0] as string;
  for (let i = 0; i < h; i++) prefix += (markers[holes[i] as number] as string) + (pieces[i + 1] as string);
  let suffix = pieces[h + 1] as string;
  for (let i = h + 1; i < holes.length; i++) suffix += (markers[holes[i] as number] as string) + (pieces[i + 1] as string);
  if (text.length <= prefix.length + suffix.length || !text.startsWith(prefix) || !text.endsWith(suffix)) return null;
  return text.slice(prefix.length, text.length - suffix.length);
}

export function textTemplate(split: { pieces: string[]; holes: number[] }, leafTexts: readonly (readonly (string | undefined)[])[]): TextTemplate {
  const pieces = split.pieces.map((p) => Buffer.from(p, 'utf8'));
  const leaves = leafTexts.map((perValue) => perValue.map((t) => Buffer.from(t ?? '', 'utf8')));
  const longest = (l: Buffer[]): number => l.reduce((a, b) => Math.max(a, b.length), 0);
  const size = pieces.reduce((a, b) => a + b.length, 0) + leaves.reduce((a, l) => a + longest(l), 0);
  return { pieces, holes: split.holes, leaves, scratch: Buffer.allocUnsafe(size) };
}

/** The text for value indices `valueIndex` (one per dimension), in the template's scratch buffer (valid until the next call). */
export function assemble(t: TextTemplate, valueIndex: readonly number[]): Uint8Array {
  const out = t.scratch;
  let n = 0;
  for (let h = 0; h < t.holes.length; h++) {
    const piece = t.pieces[h] as Buffer;
    out.set(piece, n);
    n += piece.length;
    const d = t.holes[h] as number;
    const leaf = (t.leaves[d] as Buffer[])[valueIndex[d] as number] as Buffer;
    out.set(leaf, n);
    n += leaf.length;
  }
  const last = t.pieces[t.holes.length] as Buffer;
  out.set(last, n);
  return out.subarray(0, n + last.length);
}

export function sameText(bytes: Uint8Array, text: string): boolean {
  return Buffer.compare(bytes, Buffer.from(text, 'utf8')) === 0;
}

/**
 * End of the scalar JSON token that starts at `from` in canonical JSON: a string ends at its first unescaped
 * quote; any other scalar (number, literal) runs up to the next `,`, `}`, `]` or the end. -1 if unterminated.
 */
export function scalarTokenEnd(text: string, from: number): number {
  if (text.charCodeAt(from) === 0x22) {
    for (let i = from + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) return i + 1;
    }
    return -1;
  }
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x2c || c === 0x7d || c === 0x5d) break;
    i++;
  }
  return i;
}

/**
 * Numbers that stand for a template's texts: equal texts ⇔ equal keys, without hashing (or even building)
 * them. A text of the template is read back unambiguously when every leaf text is one scalar token and every
 * piece after a hole starts with `,`, `}` or `]` (a token cannot run on into such a piece), so it is
 * identified by which distinct leaf text fills each hole. `build` refuses templates where that does not hold.
 */
export class TemplateKeys {
  private constructor(
    private readonly split: { pieces: string[]; holes: number[] },
    /** Per dimension: distinct leaf text → id. */
    private readonly ids: Map<string, number>[],
    /** Per dimension, per value index: the id of its leaf text (-1 where not templated). */
    private readonly valueIds: number[][],
    private readonly strides: number[],
    /** How many keys there are (keys are 0 … size-1). */
    readonly size: number,
  ) {}

  static build(split: { pieces: string[]; holes: number[] }, leafTexts: readonly (readonly (string | undefined)[])[]): TemplateKeys | null {
    if (split.pieces.slice(1).some((p) => !/^[,}\]]/.test(p))) return null;
    const ids: Map<string, number>[] = [];
    const valueIds: number[][] = [];
    for (const perValue of leafTexts) {
      const m = new Map<string, number>();
      const vids: number[] = [];
      for (const t of perValue) {
        if (t === undefined) {
          vids.push(-1);
          continue;
        }
        if (t.length === 0 || scalarTokenEnd(t, 0) !== t.length) return null;
        let id = m.get(t);
        if (id === undefined) {
          id = m.size;
          m.set(t, id);
        }
        vids.push(id);
      }
      ids.push(m);
      valueIds.push(vids);
    }
    const strides = new Array<number>(ids.length);
    let size = 1;
    for (let d = ids.length - 1; d >= 0; d--) {
      strides[d] = size;
      size *= Math.max(1, (ids[d] as Map<string, number>).size);
    }
    return new TemplateKeys(split, ids, valueIds, strides, size);
  }

  /** The text before the first hole (every text of the template starts with it). */
  get head(): string {
    return this.split.pieces[0] as string;
  }

  /** Key of the text for value indices `valueIndex` (all templated). */
  keyOf(valueIndex: readonly number[]): number {
    let key = 0;
    for (let d = 0; d < valueIndex.length; d++) key += ((this.valueIds[d] as number[])[valueIndex[d] as number] as number) * (this.strides[d] as number);
    return key;
  }

  /** Key of `text` if it is a text of this template, else null. */
  parse(text: string): number | null {
    const { pieces, holes } = this.split;
    if (!text.startsWith(pieces[0] as string)) return null;
    let at = (pieces[0] as string).length;
    let key = 0;
    for (let h = 0; h < holes.length; h++) {
      const d = holes[h] as number;
      const end = scalarTokenEnd(text, at);
      if (end <= at) return null;
      const id = (this.ids[d] as Map<string, number>).get(text.slice(at, end));
      if (id === undefined) return null;
      key += id * (this.strides[d] as number);
      const piece = pieces[h + 1] as string;
      if (!text.startsWith(piece, end)) return null;
      at = end + piece.length;
    }
    return at === text.length ? key : null;
  }
}
