import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, htmlTooltip } from '../../../renderer/src/pages/results/charts/tooltipHtml';
import { REPO_ROOT } from '../../helpers/serveProcess';

/** Issue #15, finding 4: chart tooltips are HTML, and the names in them come from imported files. */
const eslint = new ESLint({ cwd: REPO_ROOT });

async function formatterErrors(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, 'renderer/src/pages/results/charts/Bad.tsx') });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('the lint rule finds formatters that do not escape', () => {
  it('rejects an inline formatter, a method formatter and a formatter built by anything but htmlTooltip', async () => {
    const bad = [
      'export const o = { tooltip: { formatter: (p: { name: string }) => `<b>${p.name}</b>` } };\n',
      'export const o = { tooltip: { formatter(p: { name: string }) { return p.name; } } };\n',
      'const wrap = (f: unknown) => f;\nexport const o = { tooltip: { formatter: wrap((p: { name: string }) => p.name) } };\n',
      "export const o = { tooltip: { formatter: '{b}' } };\n",
    ];
    for (const code of bad) expect((await formatterErrors(code)).join('\n'), code).toMatch(/output is HTML/);
  });

  it('accepts htmlTooltip with html', async () => {
    const good =
      "import { html, htmlTooltip } from './tooltipHtml';\nexport const o = { tooltip: { formatter: htmlTooltip((p: { name: string }) => html`<b>${p.name}</b>`) } };\n";
    expect(await formatterErrors(good)).toEqual([]);
  });
});

describe('html escapes every value from data', () => {
  const hostile = `<meta http-equiv="refresh" content="0;url=https://evil.example/">'&`;
  it('escapes interpolations, keeps the literal markup and nested html', () => {
    const out = String(html`${hostile}<br/>${html`<i>${hostile}</i>`}${''}${null}${42}`);
    expect(out).toBe(`${escapeHtml(hostile)}<br/><i>${escapeHtml(hostile)}</i>42`);
    expect(out).not.toMatch(/<meta/);
    expect(escapeHtml(hostile)).toBe('&lt;meta http-equiv=&quot;refresh&quot; content=&quot;0;url=https://evil.example/&quot;&gt;&#39;&amp;');
  });
  it('htmlTooltip turns the markup into the string ECharts wants', () => {
    const format = htmlTooltip((p: { name: string }) => (p.name ? html`<b>${p.name}</b>` : ''));
    expect(format({ name: '<x>' })).toBe('<b>&lt;x&gt;</b>');
    expect(format({ name: '' })).toBe('');
  });
});
