import type { ESLint, Rule } from 'eslint';

/** The profile ids the rule forbids, read from contract/llem/profiles.ts (or from `source`). */
export function declaredProfileIds(source?: string): string[];
export const noProfileLiterals: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
