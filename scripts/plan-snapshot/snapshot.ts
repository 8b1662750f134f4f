/**
 * The snapshot itself (bundled and run by scripts/plan-snapshot.mjs). Everything written is derived from the
 * planner's output; large lists are cut to their first entries plus a SHA-256 digest of the whole list, so a
 * 100k-config study still changes the file when any one config changes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PyDict, pyRepr, type PyValue } from '../../contract/llem/pyValue';
import { gapSecondsBefore } from '../../core/llem/estimate';
import { exportExperimentYaml, exportResolvedStudyYaml } from '../../core/llem/configWriter';
import { planStudyFromText } from '../../core/llem/studyPlanner';
import { PROFILES, detectProfile, parseProfileName, profileNames } from '../../core/llem/profiles';
import type { ProfileId } from '../../core/llem/types';
import { readStudyFile } from '../../core/llem/studyFiles';
import { planCampaignYaml } from '../../core/campaigns/designerPlanView';
import { TEMPLATE_SOURCES, templatesFor } from '../../core/campaigns/templates';
import { profileShape, sweepKeySuggestions } from '../../renderer/src/pages/design/profileSchema';

const KEEP = 40;
const ROOT = process.cwd();
/** Where the test studies are read from: PLAN_SNAPSHOT_TESTS lets a before/after pair read the same inputs. */
const TESTS = path.resolve(process.env.PLAN_SNAPSHOT_TESTS ?? path.join(ROOT, 'tests'));

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
const repr = (v: PyValue | undefined): string => pyRepr(v, Number.MAX_SAFE_INTEGER);
const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof PyDict ? repr(x) : x));

function capped<T>(items: readonly T[], show: (t: T) => unknown): { count: number; sha256: string; first: unknown[] } {
  const shown = items.map(show);
  return { count: items.length, sha256: digest(json(shown)), first: shown.slice(0, KEEP) };
}

function pick(p: (typeof PROFILES)[ProfileId]) {
  return { id: p.id, label: p.label, versionLine: p.versionLine, orders: p.orders, cliStudyMode: p.cliStudyMode, executionKey: p.executionKey };
}

function failure(e: unknown): { error: string } {
  const err = e as Error & { path?: string; issues?: unknown };
  return { error: `${err.name}: ${err.message}${err.path ? ` @ ${err.path}` : ''}${err.issues ? ` issues=${json(err.issues)}` : ''}` };
}

function attempt<T>(f: () => T): T | { error: string } {
  try {
    return f();
  } catch (e) {
    return failure(e);
  }
}

function planOne(text: string, profile: ProfileId, file: string | undefined): unknown {
  return attempt(() => {
    const plan = planStudyFromText(text, { profile, ...(file ? { file } : {}) });
    const res = plan.resolution;
    const first = res.valid[0];
    return {
      kind: res.kind,
      name: res.name,
      execution: { ...res.execution, settings: res.execution.settings ? repr(res.execution.settings) : null },
      studyDesignHash: res.studyDesignHash,
      deduplicated: res.deduplicated,
      metadata: Object.fromEntries(Object.entries(res.metadata).map(([k, v]) => [k, repr(v)])),
      warnings: res.warnings,
      valid: capped(res.valid, (v) => ({ origin: v.origin, hash: v.hash, summary: v.summary, canonical: v.canonical, dump: repr(v.dump), facts: v.facts ?? null })),
      skipped: capped(res.skipped, (s) => ({ origin: s.origin, label: s.label, reason: s.reason, ruleId: s.ruleId ?? null, raw: repr(s.raw) })),
      runs: capped(res.runs, (r) => r),
      planJson: { sha256: digest(json(plan.json)), runsShown: plan.json.runs.slice(0, KEEP) },
      estimate: attempt(() => ({ ...plan.estimate, perConfig: capped(plan.estimate.perConfig, (c) => c) })),
      gapsBefore: attempt(() => capped(gapSecondsBefore(res), (g) => g)),
      studyYaml: attempt(() => exportResolvedStudyYaml(res)),
      experimentYaml: first ? attempt(() => exportExperimentYaml(first.dump, profile)) : null,
      experimentYamlMinimal: first ? attempt(() => exportExperimentYaml(first.dump, profile, { minimal: true })) : null,
      designerView: attempt(() => {
        const r = planCampaignYaml(text, profile);
        return { sha256: digest(json(r)), ok: r.ok };
      }),
    };
  });
}

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (keep(full)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/** Every string literal in the test sources that reads like a YAML mapping of several lines. */
function yamlLiteralsInTests(): { source: string; text: string }[] {
  const seen = new Set<string>();
  const found: { source: string; text: string }[] = [];
  for (const file of filesUnder(TESTS, (f) => /\.tsx?$/.test(f))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        const text = node.text;
        if (text.includes('\n') && /^[A-Za-z_][\w.-]*:/m.test(text) && !seen.has(text)) {
          seen.add(text);
          // Keyed by content, not by file and line: moving or editing a test must not change the snapshot.
          found.push({ source: `literal:${digest(text).slice(0, 16)}`, text });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

function main(): void {
  const profiles = profileNames() as ProfileId[];
  const snapshot: Record<string, unknown> = {};
  // The profile facts the pre-#18 declaration had, in its order (#18 added family, pickerLabel, hasDoctorCommand).
  snapshot.profiles = profiles.map((id) => ({ ...pick(PROFILES[id]), shape: (() => {
    const s = profileShape(id);
    return { fields: s.spec.fields.map((f) => f.name), engineField: s.engineField, engines: s.engines, executionKey: s.executionKey, orderField: s.orderField, orders: s.orders, experimentGapField: s.experimentGapField, nameKey: s.nameKey, hidden: [...s.hidden], sweepKeys: sweepKeySuggestions(s) };
  })() }));
  snapshot.aliases = ['head', 'v0.8.0', '1.18.0', 'tag-v0.7.0', 'pypi', '0.7.0', 'v0.7.0', 'PYPI-0.7', 'nope'].map((n) => [n, parseProfileName(n)]);
  const probes = [
    {},
    { versionOutput: 'llem v0.7.0', acceptsV2Shape: true },
    { versionOutput: 'llem v9.9.9', acceptsV2Shape: true },
    { versionOutput: 'llem v0.8.0', acceptsHeadShape: true },
    { versionOutput: 'llem v1.18.0', acceptsHeadShape: false, helpListsCycles: true },
    { versionOutput: 'llem v1.17.0', acceptsHeadShape: false, helpListsCycles: false },
    { versionOutput: 'llem v1.17.0', acceptsHeadShape: false },
    { versionOutput: 'llem v1.18.0' },
    { versionOutput: 'llem v0.7.0' },
    { versionOutput: 'garbage' },
  ];
  snapshot.detect = probes.map((p) => [p, detectProfile(p)]);
  snapshot.templates = Object.fromEntries(profiles.map((p) => [p, templatesFor(p).map((t) => t.id)]));

  const sources: { source: string; text: string; file?: string }[] = [];
  for (const f of filesUnder(TESTS, (x) => /\.ya?ml$/.test(x))) {
    sources.push({ source: path.join('tests', path.relative(TESTS, f)), text: new TextDecoder().decode(readStudyFile(f)), file: f });
  }
  for (const f of filesUnder(path.join(ROOT, 'resources'), (x) => /\.ya?ml$/.test(x))) {
    sources.push({ source: path.relative(ROOT, f), text: new TextDecoder().decode(readStudyFile(f)), file: f });
  }
  TEMPLATE_SOURCES.forEach((t, i) => sources.push({ source: `template:${i}:${t.id}`, text: t.yaml }));
  sources.push(...yamlLiteralsInTests());

  const plans: Record<string, unknown> = {};
  for (const s of [...sources].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
    plans[s.source] = { textSha256: digest(s.text), byProfile: Object.fromEntries(profiles.map((p) => [p, planOne(s.text, p, s.file)])) };
  }
  snapshot.plans = plans;
  const text = JSON.stringify(snapshot, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x), 1);
  writeFileSync(process.argv[2] as string, text);
  console.log(`plan snapshot: ${sources.length} sources × ${profiles.length} profiles, ${text.length} bytes, sha256 ${digest(text)}`);
}

main();
