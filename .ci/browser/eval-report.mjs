// Browser test of the HTML report of the sample's eval suite (SupportAssistantEvalTests),
// run by .ci/browser-test after `mvn verify` wrote it to sample-app/target/fallom-evals.
//
// Usage: node eval-report.mjs <report directory> <suite name> <screenshot path>
//
// Opens <suite>.html in headless Chromium and checks it against the run's own results file
// (<suite>-results.json, a case's score being the mean of its repeats): one row per metric
// of the results, each showing the mean of that metric's case scores, a 95 % interval that
// contains it, a pass rate between 0 and 100 %, no judge errors; a worst-cases table that
// names only cases of the run; a baseline comparison line per metric, none failing. Then
// saves a screenshot. Exits non-zero on the first difference.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [directory, suite, screenshot] = process.argv.slice(2);
if (!directory || !suite || !screenshot) {
	throw new Error('Usage: node eval-report.mjs <report directory> <suite name> <screenshot path>');
}
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const results = JSON.parse(readFileSync(join(directory, `${suite}-results.json`), 'utf8'));
const scoresByMetric = {};
for (const scores of Object.values(results.cases)) {
	for (const [metric, score] of Object.entries(scores)) {
		(scoresByMetric[metric] ||= []).push(score);
	}
}
const metrics = Object.keys(scoresByMetric).sort();
if (metrics.length === 0) {
	throw new Error(`No scores in ${suite}-results.json`);
}

const failures = [];
function check(what, ok, detail) {
	if (!ok) {
		failures.push(`${what}: ${detail}`);
	}
}

const userDataDir = mkdtempSync(join(tmpdir(), 'fallom-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: CHROMIUM_FLAGS,
	viewport: { width: 1400, height: 900 },
});
try {
	const page = await context.newPage();
	await page.goto(pathToFileURL(resolve(directory, `${suite}.html`)).href);
	const rows = await page.$$eval('#metrics tr', (trs) => trs.slice(1)
		.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent.trim())));
	check('metric rows', JSON.stringify(rows.map((row) => row[0]).sort()) === JSON.stringify(metrics),
		`page shows ${JSON.stringify(rows.map((row) => row[0]))}, results have ${JSON.stringify(metrics)}`);
	for (const [metric, mean, interval, passRate, , cases, errors] of rows) {
		const scores = scoresByMetric[metric] || [];
		const expected = scores.reduce((sum, score) => sum + score, 0) / scores.length;
		// The page rounds to three decimals: a half-way mean may go either way
		check(`${metric} mean`, Math.abs(Number(mean) - expected) <= 0.0005 + 1e-9, `page shows ${mean}, expected ${expected.toFixed(3)}`);
		const [low, high] = interval.split('..').map(Number);
		check(`${metric} 95 % interval`, low <= Number(mean) && Number(mean) <= high, `page shows ${interval} around ${mean}`);
		const rate = Number(passRate.replace('%', ''));
		check(`${metric} pass rate`, rate >= 0 && rate <= 100, `page shows ${passRate}`);
		check(`${metric} cases`, Number(cases) === scores.length, `page shows ${cases}, results have ${scores.length}`);
		check(`${metric} judge errors`, Number(errors) === 0, `page shows ${errors}`);
	}
	const worstCases = await page.$$eval('#worst tr', (trs) => trs.slice(1).map((tr) => tr.children[1].textContent.trim()));
	check('worst cases', worstCases.length > 0 && worstCases.every((id) => id in results.cases),
		`page names ${JSON.stringify(worstCases)}`);
	const baseline = await page.$$eval('#baseline li', (lis) => lis.map((li) => li.className));
	check('baseline comparisons', baseline.length === metrics.length && baseline.every((cls) => cls === 'ok'),
		`page shows ${JSON.stringify(baseline)} for ${metrics.length} metrics`);
	await page.screenshot({ path: screenshot, fullPage: true });
}
finally {
	await context.close();
	rmSync(userDataDir, { recursive: true, force: true });
}
if (failures.length > 0) {
	console.error(`The eval report ${suite}.html differs from its results:\n  ${failures.join('\n  ')}`);
	process.exit(1);
}
console.log(`Eval report ${suite}.html: ${metrics.length} metrics match ${suite}-results.json; screenshot ${screenshot}`);
