import { init, use, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([SVGRenderer]);

/**
 * PNG and SVG files of a chart as it is on screen. PNG: echarts' own getDataURL of the canvas at twice the pixels.
 * SVG: the same option drawn again by echarts' SVG renderer (server-side mode, no DOM), so the file is vector.
 * The background is the page's, so a chart taken in the dark theme stays readable.
 */
export function chartPngDataUrl(chart: ECharts, background: string): string {
  return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
}

export function chartSvgText(chart: ECharts, background: string): string {
  const option = chart.getOption() as EChartsCoreOption;
  const svg = init(null, undefined, { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() });
  try {
    svg.setOption({ ...option, backgroundColor: background, animation: false });
    return svg.renderToSVGString();
  } finally {
    svg.dispose();
  }
}

/** "Energy against speed, with the Pareto front" → "energy-against-speed-with-the-pareto-front". */
export function chartFileStem(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'chart';
}

/** Saves `data` under `name` through the browser's download (works the same in Electron's renderer). */
export function downloadFile(name: string, data: Blob | string): void {
  const a = document.createElement('a');
  a.download = name;
  const url = typeof data === 'string' ? data : URL.createObjectURL(data);
  a.href = url;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (typeof data !== 'string') setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
