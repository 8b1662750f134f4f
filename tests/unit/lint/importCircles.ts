import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of the TypeScript sources under a folder, followed through relative imports (type-only ones
 * too: a circle of types still ties the modules' meanings together), and the circles in it.
 */
export function sourceFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(path.join(root, folder));
  return out.sort();
}

function resolveRelative(root: string, from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.join(path.dirname(path.join(root, from)), specifier.replace(/\?raw$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return path.relative(root, candidate).split(path.sep).join('/');
  }
  return null;
}

/** Relative imports of one file (static imports, re-exports and `import()`), resolved to repository paths. */
export function importsOf(root: string, file: string, text = readFileSync(path.join(root, file), 'utf8')): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => resolveRelative(root, file, f.fileName)).filter((f): f is string => f !== null);
}

/**
 * Every circle through at least one of `starts`, as the list of files around it (first file repeated at the end).
 * `read` overrides a file's text (tests feed a made-up module this way).
 */
export function circlesThrough(root: string, starts: string[], read: (file: string) => string | undefined = () => undefined): string[][] {
  const graph = new Map<string, string[]>();
  const edges = (file: string): string[] => {
    let out = graph.get(file);
    if (!out) {
      out = importsOf(root, file, read(file) ?? readFileSync(path.join(root, file), 'utf8'));
      graph.set(file, out);
    }
    return out;
  };
  const circles: string[][] = [];
  const seen = new Set<string>();
  for (const start of starts) {
    // Depth-first from each start; a path back to the start is a circle through it.
    const stack: { file: string; next: number }[] = [{ file: start, next: 0 }];
    const onPath = new Set([start]);
    const visited = new Set([start]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const targets = edges(top.file);
      if (top.next >= targets.length) {
        onPath.delete(top.file);
        stack.pop();
        continue;
      }
      const target = targets[top.next++]!;
      if (target === start) {
        const circle = [...stack.map((s) => s.file), start];
        const key = [...circle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          circles.push(circle);
        }
      } else if (!visited.has(target) && !onPath.has(target)) {
        visited.add(target);
        onPath.add(target);
        stack.push({ file: target, next: 0 });
      }
    }
  }
  return circles;
}
