import * as echarts from 'echarts';
import { escapeHtml } from '../brief/html';

/**
 * Charts rendered on the server as SVG by Apache ECharts (its server-side renderer: no DOM, no canvas,
 * no script in the page and no CDN). Every chart on a page also has a table with the same numbers.
 */
export interface Series {
  name: string;
  data: number[];
}

export interface ChartSpec {
  /** what the chart shows, read by screen readers */
  label: string;
  /** the x axis: weeks, categories, statuses */
  x: string[];
  series: Series[];
  kind: 'bar' | 'stacked-bar' | 'line';
  /** values are shares in [0, 1], shown as percentages */
  share?: boolean;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f6feb', '#2da44e', '#d4a72c', '#cf222e', '#8250df', '#57606a', '#bf3989', '#0a7ea4', '#953800'];

export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 280;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: spec.x },
      yAxis: spec.share ? { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } } : { type: 'value', minInterval: 1 },
      series: spec.series.map((s) => ({
        name: s.name,
        type: spec.kind === 'line' ? 'line' : 'bar',
        data: s.data,
        ...(spec.kind === 'stacked-bar' ? { stack: 'total' } : {}),
        ...(spec.kind === 'line' ? { connectNulls: true, symbolSize: 6 } : {}),
      })),
    });
    return chart.renderToSVGString().replace('<svg ', `<svg role="img" aria-label="${escapeHtml(spec.label)}" focusable="false" `);
  } finally {
    chart.dispose();
  }
}
