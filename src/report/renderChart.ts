// Renders a Vega-Lite spec without a browser: vega-lite compiles it to Vega,
// Vega's headless view draws SVG, resvg rasterizes the SVG to PNG with the
// system's DejaVu fonts loaded explicitly so text shows in the PNG.
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { parse, View, type LoggerInterface } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { vegaSafeStrings } from './vegaStrings.js';

/** Font files for PNG text (Debian's fonts-dejavu-core); only when they are missing are all system fonts scanned (slow). */
export const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
];

/** Pixels per SVG unit in the PNG: 2 gives a crisp image on high-density screens and in print. */
export const PNG_SCALE = 2;

/** A rendered chart. */
export interface RenderedChart {
  svg: string;
  png: Buffer;
}

/**
 * A logger that drops Vega-Lite's layout warnings (it warns about every
 * faceted chart with independent scales, which ours use on purpose) and keeps
 * errors. A fresh one per render: no module-level mutable state.
 */
function quietLogger(): LoggerInterface {
  let level = 0;
  const log: LoggerInterface = {
    level: ((l?: number) => (l === undefined ? level : ((level = l), log))) as LoggerInterface['level'],
    error: (...args: readonly unknown[]) => {
      process.stderr.write(`vmmsim: chart: ${args.map(String).join(' ')}\n`);
      return log;
    },
    warn: () => log,
    info: () => log,
    debug: () => log,
  };
  return log;
}

/** Render one spec to SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(vegaSafeStrings(spec), { logger: quietLogger() }).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterize SVG text to PNG. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    font: {
      loadSystemFonts: !FONT_FILES.some((f) => existsSync(f)),
      fontFiles: FONT_FILES.filter((f) => existsSync(f)),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** Render one spec to SVG and PNG. */
export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { svg, png: svgToPng(svg) };
}
