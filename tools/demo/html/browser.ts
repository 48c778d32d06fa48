// Opens an HTML report in the system's headless Chromium (Debian's `chromium`, driven by
// playwright-core; tools/install-system.sh installs it) and reports what a reader would see: every
// chart's drawn shapes, console errors, requests that tried to leave the file, and a screenshot.
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface RenderedChart {
  id: string;
  /** The figure's data-points attribute: data points the chart was built from. */
  points: number;
  /** SVG shapes (paths, rects, lines) Chromium laid out with a non-empty box. */
  shapes: number;
  width: number;
  height: number;
}

export interface PageCheck {
  title: string;
  charts: RenderedChart[];
  consoleErrors: string[];
  /** Anything the page tried to load beyond the file itself (must be none: self-contained). */
  externalRequests: string[];
}

/** Opens the page; `screenshotPath` gets the whole page, or its top `clipHeight` pixels. */
export async function checkReportPage(
  htmlPath: string,
  screenshotPath?: string,
  clipHeight?: number,
): Promise<PageCheck> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const consoleErrors: string[] = [];
    const externalRequests: string[] = [];
    const url = pathToFileURL(htmlPath).href;
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) externalRequests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const shapes = svg
          ? [...svg.querySelectorAll('path, rect, line, polyline')].filter((el) => {
              const b = el.getBoundingClientRect();
              return b.width > 0 || b.height > 0;
            }).length
          : 0;
        return {
          id: f.id,
          points: Number(f.getAttribute('data-points')),
          shapes,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        };
      }),
    );
    if (screenshotPath)
      await page.screenshot({
        path: screenshotPath,
        fullPage: true,
        ...(clipHeight ? { clip: { x: 0, y: 0, width: 1000, height: clipHeight } } : {}),
      });
    return { title: await page.title(), charts, consoleErrors, externalRequests };
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const [html, png, height] = process.argv.slice(2);
  if (!html) {
    console.error('usage: node tools/demo/html/browser.ts <report.html> [screenshot.png [top-pixels]]');
    process.exit(2);
  }
  console.log(JSON.stringify(await checkReportPage(html, png, height ? Number(height) : undefined), null, 2));
}
