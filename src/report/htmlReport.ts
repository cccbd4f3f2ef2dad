// One self-contained HTML page for a results directory: the scenario, the
// tables (text table with the per-VM split, the Figure 5 table), the Figure 5
// chart and every other chart as interactive Vega-Lite (vega, vega-lite and
// vega-embed inlined: the page loads nothing from the network), and the
// validation table when there is one. Pure: the caller reads the files.
import type { ResultRecord } from '../run/record.js';
import type { ChartSpec } from './charts.js';
import { toFigure5 } from './figure5.js';
import { escapeHtml, markdownToHtml } from './markdown.js';
import { toTable } from './table.js';
import { vegaSafeStrings } from './vegaStrings.js';

/** What the page is made of. */
export interface HtmlReportInput {
  records: readonly ResultRecord[];
  charts: readonly ChartSpec[];
  /** Source of the scenario file and the path it was read from, when known. */
  scenario: { path: string; text: string; description: string | null } | null;
  /** The validation report (Markdown, as `vmmsim validate` writes it), when there is one. */
  validation: { path: string; text: string } | null;
  /** The browser builds of vega, vega-lite and vega-embed, inlined in this order. */
  scripts: { vega: string; vegaLite: string; vegaEmbed: string };
  /** vmmsim's version, named in the footer. */
  version: string;
}

/** Charts shown first, in this order: the paper's Figure 5 form, then where the time goes. */
const FIRST = ['figure5', 'time-breakdown'];

/** Chart titles for the page's headings (the chart carries its own full title too). */
const HEADINGS: Record<string, string> = {
  'figure5': 'Figure 5 form: overhead over native by category',
  'time-breakdown': 'Where the time goes',
  'cycles': 'Cycles per iteration',
  'overhead': 'Overhead versus native by category, per workload and point',
  'walk-cycles-per-miss': 'Page-walk cycles per TLB miss',
};

const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 0; color: #1d1d1d; background: #fafafa; }
main { max-width: 1500px; margin: 0 auto; padding: 24px 32px 64px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 8px; }
p.lead { color: #444; margin: 4px 0 16px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
dl.facts dt { color: #666; } dl.facts dd { margin: 0; }
nav a { margin-right: 14px; }
pre { background: #f4f4f4; padding: 10px 12px; overflow-x: auto; font-size: 12.5px; line-height: 1.35; border-radius: 4px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
.chart { margin: 8px 0 24px; overflow-x: auto; min-height: 40px; }
.chart-error { color: #b00020; }
footer { margin-top: 40px; color: #777; font-size: 12px; }
`;

/** JSON safe inside a <script> element: no "<" that could close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text safe inside a <script> element. */
function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** The whole page. Same input → same bytes (no dates, no random ids). */
export function htmlReport(input: HtmlReportInput): string {
  const { records } = input;
  const ok = records.filter((r) => r.error === undefined);
  const name = unique(records.map((r) => r.scenario)).join(', ') || '(no records)';
  const charts = [...FIRST.flatMap((n) => input.charts.filter((c) => c.name === n)), ...input.charts.filter((c) => !FIRST.includes(c.name))];
  const chartId = (c: ChartSpec) => `chart-${c.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const heading = (c: ChartSpec) => HEADINGS[c.name] ?? (c.name.startsWith('lines-') ? `Cycles per iteration over ${c.name.slice(6).split('+').join(' / ')}` : c.name);
  const failed = records.length - ok.length;
  const facts: Array<[string, string]> = [
    ['scenario', name],
    ['CPU', unique(records.map((r) => r.cpu)).join(', ')],
    ['modes', unique(records.map((r) => r.vmm)).join(', ')],
    ['workloads', unique(records.map((r) => r.workload)).join(', ')],
    ['points × replicates', `${unique(records.map((r) => r.point)).length} × ${unique(records.map((r) => r.replicate)).length}`],
    ['records', `${records.length}${failed ? ` (${failed} failed)` : ''}`],
    ['seed', unique(records.map((r) => r.seed)).join(', ')],
  ];
  const figure5Chart = charts.find((c) => c.name === 'figure5');
  const otherCharts = charts.filter((c) => c !== figure5Chart);
  const chartBlock = (c: ChartSpec, level: number) => `<h${level}>${escapeHtml(heading(c))}</h${level}>\n<div class="chart" id="${chartId(c)}" data-chart="${escapeHtml(c.name)}"></div>`;
  const sections: Array<{ id: string; title: string; body: string }> = [];
  if (figure5Chart) sections.push({ id: 'figure5', title: 'Figure 5', body: chartBlock(figure5Chart, 3) });
  sections.push({
    id: 'tables',
    title: 'Tables',
    body: `<h3>Results by workload and mode</h3>\n<p>Cycles per iteration by cost category (overhead versus native in parentheses)${records.some((r) => r.vms) ? '; for guest systems, the split by VM and process' : ''}.</p>\n<pre>${escapeHtml(toTable(records))}</pre>\n` +
      `<h3>Overhead versus native by category, seconds (Figure 5 form)</h3>\n<pre>${escapeHtml(toFigure5(records))}</pre>`,
  });
  if (otherCharts.length) sections.push({ id: 'charts', title: 'Charts', body: otherCharts.map((c) => chartBlock(c, 3)).join('\n') });
  if (input.validation) {
    sections.push({ id: 'validation', title: 'Validation', body: `<p>From <code>${escapeHtml(input.validation.path)}</code>.</p>\n${markdownToHtml(input.validation.text, 2)}` });
  }
  if (input.scenario) {
    sections.push({ id: 'scenario', title: 'Scenario', body: `<p>From <code>${escapeHtml(input.scenario.path)}</code>.</p>\n<pre>${escapeHtml(input.scenario.text)}</pre>` });
  }
  const specs = Object.fromEntries(charts.map((c) => [chartId(c), vegaSafeStrings(c.spec)])); // the page's Vega misreads the same names
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vmmsim report: ${escapeHtml(name)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>vmmsim report: ${escapeHtml(name)}</h1>
${input.scenario?.description ? `<p class="lead">${escapeHtml(input.scenario.description)}</p>\n` : ''}<dl class="facts">
${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>
<nav>${sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('')}</nav>
${sections.map((s) => `<section id="${s.id}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`).join('\n')}
<footer>Written by vmmsim ${escapeHtml(input.version)} (<code>vmmsim report</code>). Every number comes out of the model; charts are interactive (hover for values) and need no network.</footer>
</main>
<script type="application/json" id="vmmsim-specs">${scriptJson(specs)}</script>
<script>${scriptText(input.scripts.vega)}</script>
<script>${scriptText(input.scripts.vegaLite)}</script>
<script>${scriptText(input.scripts.vegaEmbed)}</script>
<script>
(function () {
  var specs = JSON.parse(document.getElementById('vmmsim-specs').textContent);
  var pending = Object.keys(specs).map(function (id) {
    var el = document.getElementById(id);
    return vegaEmbed(el, specs[id], { renderer: 'svg', actions: false }).then(function () {
      el.setAttribute('data-rendered', 'true');
    }, function (err) {
      el.setAttribute('data-rendered', 'error');
      el.innerHTML = '<p class="chart-error">This chart could not be drawn: ' + String(err && err.message || err).replace(/[<>&]/g, '') + '</p>';
      console.error('vmmsim report: chart ' + id + ': ' + err);
    });
  });
  Promise.all(pending).then(function () { document.body.setAttribute('data-charts', 'done'); });
})();
</script>
</body>
</html>
`;
}
