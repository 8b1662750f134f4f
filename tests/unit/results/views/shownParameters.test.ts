import { describe, expect, it } from 'vitest';
import { flattenConfig, varyingParameters } from '../../../../core/results/views/sweepParameters';
import { configurationWords, shownParameters } from '../../../../core/results/views/shownParameters';

/** A PyTorch batch sweep of one campaign, beside the H100 sample's configurations (another llem, other keys). */
const campaign = [1, 8].map((b) => flattenConfig({ model: 'gpt2', backend: 'pytorch', n: 10, pytorch: { batch_size: b } }));
const sample = [
  flattenConfig({ model: 'gpt2-shape', backend: 'transformers', n: 50, transformers: { batch_size: 4, attn: 'sdpa' }, dataset: { name: 'aienergyscore' } }),
  flattenConfig({ model: 'gpt2-shape', backend: 'transformers', n: 50, transformers: { batch_size: 16, attn: 'sdpa' }, dataset: { name: 'aienergyscore' } }),
];

const labelsOf = (flats: Map<string, unknown>[]) => {
  const differing = varyingParameters(flats as never);
  const shown = shownParameters(differing, flats as never);
  return { differing: differing.map((p) => p.path), shown, words: flats.map((f) => configurationWords(shown, Object.fromEntries(f) as never, 'model')) };
};

describe('settings shown within a scope', () => {
  it('one campaign: its swept setting, nothing else', () => {
    const { shown, words } = labelsOf(campaign);
    expect(shown.map((p) => p.path)).toEqual(['pytorch.batch_size']);
    expect(words).toEqual(['batch size 1', 'batch size 8']);
  });

  it('campaign + sample: settings that only one side has are not listed as "unset", the real differences are', () => {
    const { differing, shown, words } = labelsOf([...campaign, ...sample]);
    // Every key present on one side only differs (set vs absent)…
    expect(differing).toEqual(expect.arrayContaining(['pytorch.batch_size', 'transformers.batch_size', 'transformers.attn', 'dataset.name']));
    // …but only settings with two real values in the scope are shown.
    expect(shown.map((p) => p.path).sort()).toEqual(['backend', 'model', 'n', 'pytorch.batch_size', 'transformers.batch_size']);
    expect(words.join(' | ')).not.toContain('unset');
    expect(words[0]).toContain('pytorch batch size 1');
    expect(words[2]).toContain('transformers batch size 4');
    expect(shown.find((p) => p.path === 'n')!.label).toBe('prompts');
  });

  it('a set-or-absent setting is kept when it alone tells two configurations apart', () => {
    const a = flattenConfig({ model: 'gpt2', pytorch: { batch_size: 1 } });
    const b = flattenConfig({ model: 'gpt2', pytorch: { batch_size: 1 }, max_output_tokens: 64 });
    const c = flattenConfig({ model: 'gpt2', pytorch: { batch_size: 8 } });
    const { shown, words } = labelsOf([a, b, c]);
    expect(shown.map((p) => p.path).sort()).toEqual(['max_output_tokens', 'pytorch.batch_size']);
    expect(new Set(words).size).toBe(3);
    expect(words[0]).toContain('max output tokens unset');
  });

  it('configurations alike in every setting fall back to the model', () => {
    expect(configurationWords([], {}, 'org/tiny')).toBe('org/tiny');
  });
});

describe('the headline in a mixed scope', () => {
  it('words the setting with its short name in the scope, not its config path', async () => {
    const { buildHeadline } = await import('../../../../core/results/views/headline');
    const flats = [...campaign, ...sample];
    const differing = varyingParameters(flats);
    const shown = shownParameters(differing, flats);
    const quality = { grade: 'A', caveats: [], checks: [] };
    const summary = (mean: number) => ({ n: 2, mean, sd: 0, ci95HalfWidth: 0, ci95Low: mean, ci95High: mean, cv: 0, min: mean, max: mean });
    const configs = flats.map((f, i) => ({
      groupKey: `g${i}`,
      label: configurationWords(shown, Object.fromEntries(f) as never, 'm'),
      model: String(f.get('model')),
      params: Object.fromEntries(f) as never,
      metrics: { jPerOutputToken: summary([2, 1, 4, 0.5][i]!) },
      quality,
      llemJPerOutputToken: summary([2, 1, 4, 0.5][i]!),
    }));
    const h = buildHeadline(configs as never, differing, shown);
    expect(h.available && h.text).toBe('transformers batch size 16 uses 8.0× less energy per output token than transformers batch size 4');
  });
});
