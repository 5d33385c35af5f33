// Measurement 6: web_browse end to end over the fixture pages — HTTP fetch from the page server
// (in the model's process), decoding, Readability and markdown — and how much of each page's
// expected content the markdown keeps (word-F1).
import { readAllWebPages, scoreAgainstExpected } from '@tinyagent/fixtures';
import { createWebBrowse } from '@tinyagent/web-tools';
import { checkTarget } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import type { BenchSettings } from '../settings.ts';
import { median } from '../stats.ts';
import type { Table } from '../table.ts';

/** The result of measurement 6. */
export interface WebBrowseSamples {
  pages: number;
  /** Pages per second of each pass over all pages, sequentially. */
  pagesPerSecond: number[];
  meanF1: number;
  /** The lowest-scoring page and its score. */
  worstPage: { name: string; f1: number };
  /** Pages whose call came back as an `Error:` text. */
  failures: number;
}

/** Runs measurement 6 against the page server at `pagesURL`. */
export async function measureWebBrowse(pagesURL: string, settings: BenchSettings): Promise<WebBrowseSamples> {
  const pages = await readAllWebPages();
  // The page server is on loopback, which the SSRF guard refuses by default; maxChars holds any page whole.
  const webBrowse = createWebBrowse({ allowPrivateNetwork: true, maxChars: 10_000_000 });
  const browse = (name: string): Promise<string> => webBrowse.run({ url: `${pagesURL}/${name}/` });
  for (const page of pages.slice(0, 5)) await browse(page.name);

  const pagesPerSecond: number[] = [];
  const scores = new Map<string, number>();
  let failures = 0;
  for (let round = 0; round < settings.webRounds; round += 1) {
    const outputs: string[] = [];
    const started = performance.now();
    for (const page of pages) outputs.push(await browse(page.name));
    pagesPerSecond.push((pages.length / (performance.now() - started)) * 1000);
    // Scored outside the timed loop: parsing the expected content is not web_browse's work.
    pages.forEach((page, index) => {
      const output = outputs[index] ?? '';
      if (output.startsWith('Error:')) failures += 1;
      // The output starts with `Title:` and `URL:` lines, which the expected content does not have.
      if (round === 0) scores.set(page.name, scoreAgainstExpected(page, output.split('\n').slice(3).join('\n')));
    });
  }
  const ranked = [...scores].sort(([, a], [, b]) => a - b);
  const [worstName = '', worstF1 = Number.NaN] = ranked[0] ?? [];
  return {
    pages: pages.length,
    pagesPerSecond,
    meanF1: [...scores.values()].reduce((sum, score) => sum + score, 0) / scores.size,
    worstPage: { name: worstName, f1: worstF1 },
    failures,
  };
}

/** The web_browse table and its target. */
export function reportWebBrowse(samples: WebBrowseSamples): MeasurementReport {
  const rate = median(samples.pagesPerSecond);
  const table: Table = {
    title: `6. web_browse over the ${samples.pages} fixture pages (HTTP on loopback → markdown)`,
    columns: ['pages/s (median of passes)', 'mean word-F1', 'lowest word-F1', 'failed pages'],
    rows: [
      [
        rate,
        samples.meanF1.toFixed(3),
        `${samples.worstPage.f1.toFixed(3)} (${samples.worstPage.name})`,
        samples.failures,
      ],
    ],
  };
  return {
    tables: [table],
    targets: [
      checkTarget('web_browse ≥ 25 pages/s', rate, '≥', 25, ' pages/s'),
      checkTarget('web_browse mean word-F1 ≥ 0.95', samples.meanF1, '≥', 0.95),
    ],
    invalid: samples.failures > 0 ? [`web_browse: ${samples.failures} pages failed`] : [],
  };
}
