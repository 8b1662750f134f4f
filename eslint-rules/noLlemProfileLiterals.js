// @ts-check
/**
 * ESLint rule `llem/no-profile-literals`: a llem profile id ('pypi-0.7.0', 'v0.8', 'v0.7') written as a string
 * outside the profile/family folders. Code elsewhere asks the registry (core/llem/registry.ts) or the profile
 * declaration (contract/llem/profiles.ts) instead, so adding a llem release never means hunting for `if`s.
 *
 * The ids come from that one declaration (read as text: this config runs before TypeScript is compiled).
 * `head` is left out: it is also an ordinary word ('head' | 'tail' of a file), and code comparing against the
 * HEAD profile is found by its type.
 */
import { readFileSync } from 'node:fs';

const DECLARATION = new URL('../contract/llem/profiles.ts', import.meta.url);

/** The ids in `export const LLEM_PROFILE_IDS = [...] as const;`, except the ordinary word `head`. */
export function declaredProfileIds(source = readFileSync(DECLARATION, 'utf8')) {
  const list = /export const LLEM_PROFILE_IDS = \[([^\]]*)\] as const;/.exec(source);
  if (!list) throw new Error('eslint-rules/noLlemProfileLiterals.js: LLEM_PROFILE_IDS not found in contract/llem/profiles.ts');
  const ids = [...(list[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '');
  return ids.filter((id) => id !== 'head');
}

const PROFILE_IDS = new Set(declaredProfileIds());

/** @type {import('eslint').Rule.RuleModule} */
export const noProfileLiterals = {
  meta: {
    type: 'problem',
    docs: { description: 'llem profile ids only in core/llem/ and the contract declaration' },
    messages: {
      literal:
        "'{{id}}' is a llem profile id: ask the family registry (core/llem/registry.ts familyOf) or the declaration (contract/llem/profiles.ts PROFILES, PIP_RELEASE_PROFILE) instead of comparing or spelling it here.",
    },
    schema: [],
  },
  create(context) {
    /** @param {import('estree').Node} node @param {unknown} value */
    const check = (node, value) => {
      if (typeof value === 'string' && PROFILE_IDS.has(value)) context.report({ node, messageId: 'literal', data: { id: value } });
    };
    return {
      Literal: (node) => check(node, node.value),
      TemplateLiteral: (node) => {
        if (node.expressions.length === 0) check(node, node.quasis[0]?.value.cooked);
      },
    };
  },
};

export default { rules: { 'no-profile-literals': noProfileLiterals } };
