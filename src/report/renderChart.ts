// Renders a Vega-Lite spec without a browser: vega-lite compiles it to Vega,
// Vega's headless view draws SVG, resvg rasterizes the SVG to PNG with the
// system's DejaVu fonts loaded explicitly so text shows in the PNG.
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

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

/** Render one spec to SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
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
