import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import type { AppError } from '../../../../contract/result';
import { STUDY_YAML_OPTIONS } from './studyYaml';

/** One problem placed in the study text: a character range (for the editor's marks) and its 1-based line. */
export interface YamlProblem {
  from: number;
  to: number;
  line: number;
  /** The field it is about (`pytorch.batch_size`), or null for the file as a whole. */
  path: string | null;
  message: string;
}

function nodeRange(node: unknown): [number, number] | null {
  const range = (node as Node | undefined)?.range;
  return range ? [range[0], range[1]] : null;
}

/** The key node of `key` in a mapping node (its range is where the field is written). */
function keyRange(map: unknown, key: string): [number, number] | null {
  if (!isMap(map)) return null;
  for (const pair of map.items) {
    const k = pair.key as Node & { value?: unknown };
    if (k && String(k.value ?? '') === key) return nodeRange(k);
  }
  return null;
}

/**
 * Where in the YAML a field path is written: the field itself (`pytorch: {batch_size: 0}`), a sweep key that names it
 * (`sweep: {pytorch.batch_size: [0, 4]}`), else the deepest part of the path that is written, else nowhere.
 */
export function locatePath(text: string, path: string): [number, number] | null {
  const doc = parseDocument(text, STUDY_YAML_OPTIONS);
  const parts = path.split('.').filter((p) => p !== '');
  for (let depth = parts.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(parts.slice(0, depth - 1), true);
    const found = keyRange(parent, parts[depth - 1]!);
    if (found && depth === parts.length) return found;
    if (depth === parts.length) {
      // A sweep key written with dots, matching the whole path or its end (`batch_size` ← `pytorch.batch_size`).
      const sweep = doc.getIn(['sweep'], true);
      if (isMap(sweep)) {
        for (const pair of sweep.items) {
          const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
          if (key === path || key.endsWith(`.${parts[parts.length - 1]}`) || path.endsWith(`.${key}`)) return nodeRange(pair.key);
        }
      }
    }
    if (found) return found;
  }
  return null;
}

/**
 * The plan's error as problems in the text: YAML syntax errors where the parser stopped, and each validation issue
 * on the line of the field it names (the first line when the field is not written, e.g. a required one).
 */
export function yamlProblems(text: string, error: AppError | null): YamlProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...STUDY_YAML_OPTIONS, lineCounter: lines });
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const problems: YamlProblem[] = doc.errors.map((e) => ({
    from: e.pos[0],
    to: Math.max(e.pos[1], e.pos[0] + 1),
    line: lineOf(e.pos[0]),
    path: null,
    message: e.message.split('\n')[0]!,
  }));
  if (problems.length > 0 || !error) return problems;
  const issues = error.issues?.length ? error.issues : [{ path: error.path ?? '', message: error.message }];
  for (const issue of issues) {
    const at = issue.path ? locatePath(text, issue.path) : null;
    const [from, to] = at ?? [0, Math.max(0, text.indexOf('\n'))];
    problems.push({ from, to: Math.max(to, from + 1), line: lineOf(from), path: issue.path || null, message: issue.message });
  }
  return problems;
}
