// `vmmsim report`: one self-contained HTML page per results directory, and
// that page in a real browser — headless Chromium from Debian, driven by
// playwright-core (which downloads no browser) — loads from disk with no
// console error and no network request, draws every chart, and is not blank.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PNG } from './support/png.js';
import { findTool, requireTool } from './support/tools.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
const base = mkdtempSync(join(tmpdir(), 'vmmsim-report-'));

// A validation report in the form `vmmsim validate` writes (a Markdown table).
const VALIDATION = `# Validation\n\nPredicted against measured, percent of native.\n\n| workload | mode | measured | predicted | error |\n| --- | --- | --- | --- | --- |\n| forkwait | software | 16.3% | 14.1% | −2.2 |\n| <script>alert(1)</script> | hardware | 5.7% | 6.0% | +0.3 |\n`;

describe('vmmsim report', () => {
  const run = join(base, 'four-vms');
  const sweep = join(base, 'sweep');
  beforeAll(() => {
    const r = cli('run', 'scenarios/examples/four-vms.yaml', '--set', 'workloads.0.vms.0.clients.requests=200', '--set', 'workloads.0.vms.1.processes.0.repeat=50', '--out', run);
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(run, 'validation.md'), VALIDATION);
    expect(cli('report', run, '--scenario', 'scenarios/examples/four-vms.yaml').status).toBe(0);
    const s = cli('sweep', 'test/fixtures/sweep/small.yaml', '--out', sweep, '--quiet', '--jobs', '1');
    expect(s.status, s.stderr).toBe(0);
    expect(cli('report', sweep, '--out', join(sweep, 'page.html')).status).toBe(0);
  }, 120_000);

  it('writes one self-contained page: no external script, stylesheet or image, the browser builds inlined', () => {
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/<img[^>]+src="?https?:/i);
    expect(html).toContain('vegaEmbed');
  });

  it('shows the scenario with its source, the tables with the per-VM split, and the Figure 5 chart first', () => {
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('<h1>vmmsim report: four-vms</h1>');
    expect(html).toContain('From <code>scenarios/examples/four-vms.yaml</code>');
    expect(html).toContain('by VM and process: cycles/iter (share)');
    expect(html).toContain('200 requests from web.1&#39;s clients');
    expect(html).toContain('overhead versus native by category, seconds (Figure 5 form');
    const ids = [...html.matchAll(/<div class="chart" id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['chart-figure5', 'chart-time-breakdown', 'chart-cycles', 'chart-overhead']);
  });

  it('renders DIR/validation.md as a table, escaped', () => {
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('<section id="validation">');
    expect(html).toContain('<th>measured</th>');
    expect(html).toContain('<td class="num">16.3%</td>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('without validation.md the page has no validation section; a sweep gets its line charts', () => {
    const html = readFileSync(join(sweep, 'page.html'), 'utf8');
    expect(html).not.toContain('<section id="validation">');
    expect(html).toContain('id="chart-lines-cpu_native_syscallCycles"');
    expect(html).toContain('id="chart-lines-cpu_native_pageFaultCycles_cpu_vmx_vmExitCycles"');
  });

  it('the same results give the same bytes', () => {
    const again = join(base, 'again.html');
    expect(cli('report', run, '--scenario', 'scenarios/examples/four-vms.yaml', '--out', again).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(join(run, 'report.html'), 'utf8'));
  });

  it('a directory without results.json, a missing --validation file and an --out that is not .html are exit 2, with nothing written', () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const a = cli('report', empty);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/no results\.json here/);
    const b = cli('report', run, '--validation', join(base, 'nope.md'), '--out', join(base, 'b.html'));
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/nope\.md: (cannot read the validation report: )?validation report file not found/);
    const c = cli('report', run, '--out', join(base, 'c.txt'));
    expect(c.status).toBe(2);
    expect(() => readFileSync(join(base, 'b.html'))).toThrow();
  });

  const chromium = findTool(['chromium', 'chromium-headless-shell']);
  it.skipIf(requireTool('chromium', 'loads the HTML report in a real browser'))('in headless Chromium the page loads from disk with no console error or network request, every chart draws an SVG, and the screenshot is not blank', async () => {
    const { chromium: launcher } = await import('playwright-core');
    const executablePath = spawnSync('sh', ['-c', `command -v ${chromium}`], { encoding: 'utf8' }).stdout.trim();
    const context = await launcher.launchPersistentContext(mkdtempSync(join(tmpdir(), 'vmmsim-chromium-')), {
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      for (const page of [join(run, 'report.html'), join(sweep, 'page.html')]) {
        const tab = await context.newPage();
        const problems: string[] = [];
        tab.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
        });
        tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        tab.on('request', (r) => {
          if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
        });
        await tab.goto(`file://${resolve(page)}`);
        await tab.waitForSelector('body[data-charts="done"]', { timeout: 60_000 });
        const charts = await tab.$$eval('.chart', (els) => els.map((e) => ({
          id: e.id, rendered: e.getAttribute('data-rendered'), marks: e.querySelectorAll('svg path, svg rect, svg line, svg text').length, canvas: e.querySelectorAll('canvas').length,
        })));
        expect(charts.length).toBeGreaterThan(0);
        for (const c of charts) {
          expect(c.rendered, c.id).toBe('true');
          expect(c.marks + c.canvas, c.id).toBeGreaterThan(20);
        }
        expect(problems).toEqual([]);
        const shot = PNG.decode(await tab.screenshot({ fullPage: true }));
        // Not blank: a good share of the pixels differ from the white background, in several colours.
        expect(shot.width).toBeGreaterThan(500);
        expect(shot.nonWhiteFraction()).toBeGreaterThan(0.02);
        expect(shot.distinctColours()).toBeGreaterThan(8);
        await tab.close();
      }
    } finally {
      await context.close();
    }
  }, 120_000);
});
