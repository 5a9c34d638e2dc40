// Browser test of the sample's experiment page (the page at /), run by .ci/browser-test.
//
// Usage: node experiment-page.mjs <base URL of a running sample> <screenshot path>
//
// Opens the page in headless Chromium first, then drives 50 sessions through POST /chat
// (two calls each) and POST /feedback, waits until the embedded backend has received every
// session record, span and metric, and checks that the page, without a reload, shows:
// each variant's sessions, calls and share as this script counted them and as
// /fallom/received counts them; the mean satisfaction and resolved rate of the feedback this
// script sent; and tokens, latency and errors exactly as /fallom/experiments reports them.
// Then saves a screenshot. Exits non-zero on the first difference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
	throw new Error('Usage: node experiment-page.mjs <base URL> <screenshot path>');
}
const SESSIONS = 50;
const CALLS_PER_SESSION = 2;
const CONFIG = 'support-assistant';
const TIMEOUT_MS = 60_000;
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const failures = [];
function check(what, actual, expected) {
	if (actual !== expected) {
		failures.push(`${what}: page shows ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
	}
}

async function poll(what, condition) {
	const deadline = Date.now() + TIMEOUT_MS;
	let last;
	while (Date.now() < deadline) {
		try {
			last = await condition();
			if (last) {
				return last;
			}
		}
		catch (error) {
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`Timed out waiting for ${what} (last: ${last})`);
}

async function json(path, init) {
	const response = await fetch(base + path, init);
	if (!response.ok) {
		throw new Error(`${init?.method || 'GET'} ${path}: HTTP ${response.status} ${await response.text()}`);
	}
	return response.status === 202 ? null : response.json();
}

function post(path, sessionId, body) {
	return json(path, { method: 'POST', body: JSON.stringify(body),
		headers: { 'Content-Type': 'application/json', 'X-Fallom-Session-Id': sessionId } });
}

const format = {
	share: (value) => (100 * value).toFixed(1) + '%',
	ms: (value) => (value === null || value === undefined) ? '-' : value.toFixed(1) + ' ms',
	mean: (value) => value.toFixed(2),
};

await poll('the sample to start', async () => (await json('/actuator/health')).status === 'UP');

const userDataDir = mkdtempSync(join(tmpdir(), 'fallom-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: CHROMIUM_FLAGS,
	viewport: { width: 1400, height: 900 },
});
try {
	const page = context.pages()[0] || await context.newPage();
	const pageErrors = [];
	page.on('pageerror', (error) => pageErrors.push(String(error)));
	await page.goto(base + '/');
	await page.waitForSelector('#status[data-updated]', { timeout: TIMEOUT_MS });

	// What this script drives, per model: sessions, calls, and the feedback it sends
	const expected = new Map();
	for (let i = 1; i <= SESSIONS; i++) {
		const sessionId = `browser-user-${String(i).padStart(3, '0')}`;
		let model;
		for (let call = 0; call < CALLS_PER_SESSION; call++) {
			const answer = await post('/chat', sessionId, { message: `Where is my order number ${i}?` });
			if (model !== undefined && answer.model !== model) {
				throw new Error(`Session ${sessionId} got ${model}, then ${answer.model}: not sticky`);
			}
			model = answer.model;
		}
		const feedback = { satisfaction: 1 + (i % 5), resolved: i % 3 !== 0 };
		await post('/feedback', sessionId, feedback);
		const counts = expected.get(model) || { sessions: 0, satisfaction: 0, resolved: 0 };
		counts.sessions++;
		counts.satisfaction += feedback.satisfaction;
		counts.resolved += feedback.resolved ? 1 : 0;
		expected.set(model, counts);
	}

	// Records and spans leave the app in background batches
	const received = await poll('the backend to receive every record', async () => {
		const summary = await json('/fallom/received');
		const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
		return (sum(summary.sessionsByModel) === SESSIONS
			&& sum(summary.tracedCallsByModel) === SESSIONS * CALLS_PER_SESSION && summary.metrics === SESSIONS)
			? summary : null;
	});
	const complete = Date.now();
	// The page must pick the complete data up by itself, with no reload
	await page.waitForFunction((since) => Number(document.getElementById('status').dataset.updated) > since,
		complete, { timeout: TIMEOUT_MS });
	const report = await json('/fallom/experiments');
	const config = report.configs.find((experiment) => experiment.key === CONFIG);
	if (!config) {
		throw new Error(`No config ${CONFIG} in /fallom/experiments: ${JSON.stringify(report)}`);
	}

	const section = page.locator(`section[data-experiment="config:${CONFIG}"]`);
	check('experiment heading', await section.locator('h2 small').textContent(),
		`${SESSIONS} sessions, ${SESSIONS * CALLS_PER_SESSION} calls`);
	check('variants shown', (await section.locator('tbody tr').evaluateAll(
		(rows) => rows.map((row) => row.dataset.variant))).join(),
		[...expected.keys()].sort().join());
	for (const [model, counts] of [...expected.entries()].sort()) {
		const variant = config.variants.find((candidate) => candidate.name === model);
		if (!variant) {
			failures.push(`No variant ${model} in /fallom/experiments`);
			continue;
		}
		const row = section.locator(`tbody tr[data-variant="${model}"]`);
		const cell = (field) => row.locator(`td[data-field="${field}"]`).textContent();
		const calls = counts.sessions * CALLS_PER_SESSION;
		// Counted by this script and, separately, by /fallom/received
		check(`${model} sessions`, await cell('sessions'), String(counts.sessions));
		check(`${model} sessions (received)`, await cell('sessions'), String(received.sessionsByModel[model]));
		check(`${model} calls`, await cell('calls'), String(calls));
		check(`${model} calls (received)`, await cell('calls'), String(received.tracedCallsByModel[model]));
		check(`${model} share`, await cell('share'), format.share(counts.sessions / SESSIONS));
		check(`${model} mean satisfaction`, await cell('metric:satisfaction'),
			format.mean(counts.satisfaction / counts.sessions));
		check(`${model} mean resolved`, await cell('metric:resolved'), format.mean(counts.resolved / counts.sessions));
		// Counted from the spans by the backend's report
		check(`${model} input tokens`, await cell('inputTokens'), String(variant.inputTokens));
		check(`${model} output tokens`, await cell('outputTokens'), String(variant.outputTokens));
		check(`${model} latency p50`, await cell('latencyP50Ms'), format.ms(variant.latencyP50Ms));
		check(`${model} latency p95`, await cell('latencyP95Ms'), format.ms(variant.latencyP95Ms));
		check(`${model} errors`, await cell('errors'), String(variant.errors));
		if (variant.inputTokens <= 0 || variant.outputTokens <= 0 || variant.latencyP50Ms === null) {
			failures.push(`${model}: no tokens or latency reported: ${JSON.stringify(variant)}`);
		}
		// The split chart's bar is as long as the share (260 px is the whole track)
		const bar = section.locator(`figure[data-chart="split"] rect[data-variant="${model}"]`);
		check(`${model} split bar width`, await bar.getAttribute('width'),
			(260 * counts.sessions / SESSIONS).toFixed(1));
		check(`${model} satisfaction bar label`, await section.locator('figure[data-chart="metric"] text')
			.filter({ hasText: format.mean(counts.satisfaction / counts.sessions) }).count() > 0, true);
	}
	check('chosen metric', await page.locator('#metric').inputValue(), 'satisfaction');
	check('page errors', pageErrors.join('; '), '');

	await page.screenshot({ path: screenshot, fullPage: true });
	if (failures.length > 0) {
		console.error(`Experiment page test FAILED (${failures.length}):\n  ${failures.join('\n  ')}`);
		process.exitCode = 1;
	}
	else {
		const split = [...expected.entries()].sort().map(([model, counts]) => `${model} ${counts.sessions}`).join(', ');
		console.log(`Experiment page test passed: ${SESSIONS} sessions (${split}), every number on the page `
			+ `matches the backend; screenshot ${screenshot}`);
	}
}
finally {
	await context.close();
	rmSync(userDataDir, { recursive: true, force: true });
}
