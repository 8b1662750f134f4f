/**
 * Copy-on-write edits of validated configs along a few paths, and two probes that replace the dicts on
 * those paths: a stand-in that throws when anything looks inside it (proves code never reads a
 * section) and a tracker that records which keys were read (tells which leaves a result depends on).
 * Used by templatedSweep.ts.
 */
import { ModelDump } from '../../../../contract/llem/modelSpec';
import type { PyDict, PyKey, PyValue } from '../../../../contract/llem/pyValue';

/** Thrown by a SectionStandIn when anything looks inside it. */
export class SectionRead extends Error {}

/** Stands in for a section while validators and rules run: any look inside throws SectionRead. */
export class SectionStandIn extends ModelDump {
  override get size(): number {
    throw new SectionRead();
  }
  override get(): PyValue | undefined {
    throw new SectionRead();
  }
  override has(): boolean {
    throw new SectionRead();
  }
  override set(): this {
    throw new SectionRead();
  }
  override delete(): boolean {
    throw new SectionRead();
  }
  override keys(): never {
    throw new SectionRead();
  }
  override values(): never {
    throw new SectionRead();
  }
  override entries(): never {
    throw new SectionRead();
  }
  override [Symbol.iterator](): never {
    throw new SectionRead();
  }
  override clone(): PyDict {
    throw new SectionRead();
  }
  override hasOnlyStringKeys(): boolean {
    throw new SectionRead();
  }
}

/** A ModelDump that records the keys looked up in it; anything that walks all of it sets `whole`. */
export class ReadTracker extends ModelDump {
  readonly reads = new Set<PyKey>();
  whole = false;
  override get(key: PyKey): PyValue | undefined {
    this.reads.add(key);
    return super.get(key);
  }
  override has(key: PyKey): boolean {
    this.reads.add(key);
    return super.has(key);
  }
  override keys(): IterableIterator<PyKey> {
    this.whole = true;
    return super.keys();
  }
  override values(): IterableIterator<PyValue> {
    this.whole = true;
    return super.values();
  }
  override entries(): IterableIterator<[PyKey, PyValue]> {
    this.whole = true;
    return super.entries();
  }
  override [Symbol.iterator](): IterableIterator<[PyKey, PyValue]> {
    this.whole = true;
    return super.entries();
  }
  override clone(): PyDict {
    this.whole = true;
    return super.clone();
  }
}

/** A new ModelDump of class `Kind` with `d`'s identity (model, spec, key order hint) and entries. */
export function copyDump<T extends ModelDump>(d: ModelDump, Kind: new () => T, withEntries = true): T {
  const m = new Kind();
  m.modelName = d.modelName;
  if (d.spec) m.spec = d.spec;
  if (d.sortedKeysHint) m.sortedKeysHint = d.sortedKeysHint;
  if (withEntries) for (const [k, v] of d.entries()) m.set(k, v);
  return m;
}

/**
 * How to put leaves into a copy of a config: the dicts on the paths, parents first, each copied once
 * (the paths are disjoint), then one leaf per path.
 */
export interface PatchPlan {
  /** Node i > 0 is `nodes[parent].get(key)`; node 0 is the root. */
  nodes: { parent: number; key: string }[];
  /** Per path: the node holding its leaf, and the leaf's key. */
  leaves: { node: number; key: string }[];
}

export function patchPlan(paths: readonly (readonly string[])[]): PatchPlan {
  const nodes: PatchPlan['nodes'] = [{ parent: -1, key: '' }];
  const index = new Map<string, number>([['', 0]]);
  const leaves = paths.map((path) => {
    let node = 0;
    let id = '';
    for (const key of path.slice(0, -1)) {
      id += `\u0000${key}`;
      let next = index.get(id);
      if (next === undefined) {
        next = nodes.length;
        nodes.push({ parent: node, key });
        index.set(id, next);
      }
      node = next;
    }
    return { node, key: path[path.length - 1] as string };
  });
  return { nodes, leaves };
}

/** Whether every dict the plan copies is a ModelDump in `root` (what a validated config has on model paths). */
export function planFits(root: ModelDump, plan: PatchPlan): boolean {
  const nodes: ModelDump[] = [root];
  for (let i = 1; i < plan.nodes.length; i++) {
    const { parent, key } = plan.nodes[i] as { parent: number; key: string };
    const v = (nodes[parent] as ModelDump).get(key);
    if (!(v instanceof ModelDump)) return false;
    nodes.push(v);
  }
  return true;
}

/**
 * `root` with `values[d]` at the d-th leaf of `plan`, copying only the dicts on the paths (as `Kind`);
 * returns the copies, root first.
 */
export function patchNodes<T extends ModelDump>(root: ModelDump, plan: PatchPlan, values: readonly PyValue[], Kind: new () => T): T[] {
  const copies: T[] = new Array<T>(plan.nodes.length);
  copies[0] = copyDump(root, Kind);
  for (let i = 1; i < plan.nodes.length; i++) {
    const { parent, key } = plan.nodes[i] as { parent: number; key: string };
    const p = copies[parent] as T;
    const c = copyDump(ModelDump.prototype.get.call(p, key) as ModelDump, Kind);
    ModelDump.prototype.set.call(p, key, c);
    copies[i] = c;
  }
  plan.leaves.forEach(({ node, key }, d) => ModelDump.prototype.set.call(copies[node] as T, key, values[d] as PyValue));
  return copies;
}

/** `root` with `values[d]` at the d-th leaf of `plan` (copy on write). */
export function withLeaves(root: ModelDump, plan: PatchPlan, values: readonly PyValue[]): ModelDump {
  return patchNodes(root, plan, values, ModelDump)[0] as ModelDump;
}

export function getPath(root: PyDict, path: readonly string[]): PyValue | undefined {
  let cur: PyValue | undefined = root;
  for (const part of path) {
    if (!(cur instanceof ModelDump)) return undefined;
    cur = cur.get(part);
  }
  return cur;
}
