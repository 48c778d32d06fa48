// Renders the HTML view of an existing JSON report: node tools/demo/html/render.ts reports/mmf_demo_report_<...>.json
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { demoReportSchema } from '../report-schema.ts';
import { writeHtml } from './page.ts';

const [path] = process.argv.slice(2);
if (!path?.endsWith('.json')) {
  console.error('usage: node tools/demo/html/render.ts <report.json>');
  process.exit(2);
}
const report = demoReportSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const out = path.replace(/\.json$/, '.html');
writeHtml(report, out, basename(path));
console.log(out);
