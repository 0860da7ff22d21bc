// What the browser scenarios share: Chromium (headless shell) driven by playwright-core,
// screenshots, axe checks, polling with deadlines, and small clients of tgmux's API and
// of tgsim's control API. Every scenario is one script run by tests/browser_test.cpp:
//
//   import { scenario } from './lib.mjs';
//   scenario(async (t) => { const page = await t.page(); ... });
//
// Environment: TGMUX_URL (http://127.0.0.1:<port>), TGSIM_URL (tgsim's control API base,
// http://127.0.0.1:<port>/control), SHOT_DIR (where screenshots go), OWNER_EMAIL and
// OWNER_PASSWORD (when the driver created the owner), SETUP_TOKEN (first-run scenarios),
// TGMUX_CHROMIUM (the browser binary; Debian's chromium-headless-shell by default),
// SCENARIO_TIMEOUT_MS (the whole scenario's deadline, 60 s by default).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const env = {
  tgmux: (process.env.TGMUX_URL || '').replace(/\/$/, ''),
  tgsim: (process.env.TGSIM_URL || '').replace(/\/$/, ''),
  shotDir: process.env.SHOT_DIR || 'browser-shots',
  ownerEmail: process.env.OWNER_EMAIL || '',
  ownerPassword: process.env.OWNER_PASSWORD || '',
  setupToken: process.env.SETUP_TOKEN || '',
  chromium: process.env.TGMUX_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell',
};

// How long one action or one waitFor may take by default.
export const STEP_TIMEOUT_MS = 10_000;

// --- failing -------------------------------------------------------------------------------

export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

export function checkEqual(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Failure(`${what}: expected ${e}, got ${a}`);
}

// --- waiting -------------------------------------------------------------------------------

// Polls `fn` (sync or async) until it returns a truthy value, which it returns; throws with
// `what` and the last value or error once `timeoutMs` passes. Between attempts it yields
// for a few milliseconds (a poll interval, not a synchronisation sleep).
export async function waitFor(fn, { timeoutMs = STEP_TIMEOUT_MS, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last, lastError;
  for (let interval = 10; ; interval = Math.min(interval * 2, 200)) {
    try {
      last = await fn();
      lastError = undefined;
      if (last) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Failure(`timed out after ${timeoutMs} ms waiting for ${what} (${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(deadline - Date.now(), 0))));
  }
}

// Waits until `locator` is visible (Playwright's own auto-waiting).
export async function visible(locator, timeoutMs = STEP_TIMEOUT_MS) {
  await locator.waitFor({ state: 'visible', timeout: timeoutMs });
  return locator;
}

// Waits until `locator` is gone or hidden.
export async function hidden(locator, timeoutMs = STEP_TIMEOUT_MS) {
  await locator.waitFor({ state: 'hidden', timeout: timeoutMs });
  return locator;
}

// Waits until `locator` matches no element at all (it may exist but be hidden: see `hidden`).
export async function absent(locator, what, timeoutMs = STEP_TIMEOUT_MS) {
  await waitFor(async () => (await locator.count()) === 0, { timeoutMs, what: `${what} to be absent` });
}

// --- HTTP ----------------------------------------------------------------------------------

// One HTTP request with a JSON body; returns {status, headers, body (parsed JSON or text)}.
export async function request(method, url, { body, headers = {}, token } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await response.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: response.status, headers: response.headers, body: parsed };
}

async function expectStatus(promise, expected, what) {
  const r = await promise;
  const ok = Array.isArray(expected) ? expected.includes(r.status) : r.status === expected;
  if (!ok) throw new Failure(`${what}: expected HTTP ${expected}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// tgmux's API, as a program (bearer tokens) rather than as the page.
export const api = {
  url: (p) => env.tgmux + p,
  request: (method, p, opts) => request(method, env.tgmux + p, opts),
  // POST /v1/auth/login -> {access_token, refresh_token, user, ...}
  login: (email = env.ownerEmail, password = env.ownerPassword) =>
    expectStatus(request('POST', env.tgmux + '/v1/auth/login', { body: { email, password } }), 200, `login ${email}`),
  register: (email, password, invite) =>
    expectStatus(request('POST', env.tgmux + '/v1/auth/register', { body: { email, password, invite } }), 201,
      `register ${email}`),
  // Invites `email` with `role` as the holder of `token` and registers them; returns the user.
  async addMember(token, email, password, role = 'operator') {
    const inv = await expectStatus(
      request('POST', env.tgmux + '/v1/tenant/members', { token, body: { email, role } }), 201, `invite ${email}`);
    const registered = await api.register(email, password, inv.invite);
    return registered.user;
  },
  get: (token, p) => expectStatus(request('GET', env.tgmux + p, { token }), 200, `GET ${p}`),
  // Links the tgsim user `phone` by phone login (the code read from tgsim); returns the account.
  async linkByPhone(token, phone) {
    const login = await expectStatus(
      request('POST', env.tgmux + '/v1/logins', { token, body: { method: 'phone', phone } }), 201, `login ${phone}`);
    const code = await waitFor(() => sim.lastCode(phone), { what: `the login code of ${phone}` });
    const done = await expectStatus(request('POST', env.tgmux + `/v1/logins/${login.id}/code`, { token, body: { code } }),
      200, `code for ${phone}`);
    if (done.state !== 'done') throw new Failure(`login of ${phone}: state ${done.state}`);
    return done.account;
  },
  setup: () => expectStatus(request('GET', env.tgmux + '/v1/setup'), 200, 'GET /v1/setup'),
};

// tgsim's control API (docs/simulator.md, "Control API").
export const sim = {
  request: (method, p, body) => request(method, env.tgsim + p, { body }),
  createUser: (phone, firstName, extra = {}) =>
    expectStatus(request('POST', env.tgsim + '/users', { body: { phone, first_name: firstName, ...extra } }), 201,
      `create user ${phone}`),
  lastCode: async (phone) =>
    (await expectStatus(request('GET', env.tgsim + `/users/${encodeURIComponent(phone)}/code`), 200,
      `code of ${phone}`)).code,
  confirmQr: (link, phone) =>
    expectStatus(request('POST', env.tgsim + '/qr/confirm', { body: { link, phone } }), 204, 'confirm QR'),
  revoke: (phone) =>
    expectStatus(request('POST', env.tgsim + `/users/${encodeURIComponent(phone)}/revoke`), 204, `revoke ${phone}`),
  sessions: async (phone) =>
    (await expectStatus(request('GET', env.tgsim + `/users/${encodeURIComponent(phone)}/sessions`), 200,
      `sessions of ${phone}`)).sessions,
  sendMessage: (from, to, text) =>
    expectStatus(request('POST', env.tgsim + '/messages', { body: { from, to, text } }), 201, 'send message'),
};

// --- the browser ---------------------------------------------------------------------------

export async function launchBrowser() {
  return chromium.launch({ executablePath: env.chromium, args: ['--no-sandbox'] });
}

// A fresh context (cookies, storage) with the default timeouts set.
// options: viewport {width, height}, extraHTTPHeaders, bypassCSP (only to inject axe).
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

let shotCount = 0;
// Saves a full-page screenshot as <SHOT_DIR>/<scenario>-<step>.png; returns its path.
export async function screenshot(page, name, step) {
  mkdirSync(env.shotDir, { recursive: true });
  const file = path.join(env.shotDir, `${name}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shotCount++;
  return file;
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe-core on the page as it is now and fails on serious or critical violations
// (printing them all). The page's context must be made with bypassCSP: true, since the
// dashboard's CSP allows no inline script. Returns the violations found.
export async function checkAxe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  for (const v of violations) {
    console.log(`axe ${label}: ${v.impact} ${v.id} (${v.help})`);
    for (const n of v.nodes) console.log(`    ${n}`);
  }
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(`axe ${label}: ${violations.length} violation(s), ${bad.length} serious or critical`);
  check(bad.length === 0, `axe ${label}: ${bad.length} serious or critical violation(s): ` +
    bad.map((v) => v.id).join(', '));
  return violations;
}

// Fails when the page scrolls sideways: its document is wider than the viewport.
export async function checkNoHorizontalScroll(page, label) {
  const width = page.viewportSize().width;
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scrollWidth <= width, `${label}: the page is ${scrollWidth}px wide in a ${width}px viewport`);
}

// --- the dashboard's forms (accessible names from the dashboard contract) ------------------

export async function signIn(page, email = env.ownerEmail, password = env.ownerPassword) {
  await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// A new page of the scenario, on the dashboard, signed in as the owner.
export async function openSignedIn(t, options) {
  const page = await t.page(options);
  await page.goto(env.tgmux + '/');
  await signIn(page);
  await signedIn(page);
  return page;
}

// Opens the Add account dialog (its QR tab is first) once signed in; returns the dialog and
// the login it started (the answer of POST /v1/logins), with the QR image shown.
export async function startQrLogin(page) {
  const started = page.waitForResponse((r) => r.url() === env.tgmux + '/v1/logins' && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = await visible(page.getByRole('dialog'));
  await visible(dialog.getByRole('tab', { name: 'QR code', exact: true }));
  const login = await (await started).json();
  await visible(dialog.getByRole('img', { name: 'QR code to scan in Telegram' }));
  return { dialog, login };
}

// The tgsim user `phone` scans the QR of login `loginId`. tgsim renews the link every few
// seconds in these tests: whichever link is current is confirmed.
export async function scanQr(token, loginId, phone) {
  await waitFor(async () => {
    const now = await api.get(token, `/v1/logins/${loginId}`);
    if (!now.qr) return false;
    return (await sim.request('POST', '/qr/confirm', { link: now.qr.link, phone })).status === 204;
  }, { what: 'the QR link to be confirmed' });
}

export const accountsHeading = (page) => page.getByRole('heading', { name: 'Accounts', exact: true });

// Waits until the dashboard shows the Accounts page of a signed-in user (heading and header),
// done loading (no "Loading…" text left).
export async function signedIn(page) {
  await visible(accountsHeading(page));
  await visible(page.getByRole('button', { name: 'Sign out', exact: true }));
  await waitFor(async () => (await page.getByText(/^Loading/).count()) === 0, { what: 'the page to finish loading' });
}

// A short description of the focused element: its role-ish tag and accessible-ish name
// (label, aria-label or text), e.g. "input Email" or "button Sign in".
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const label = el.labels?.[0]?.textContent || el.getAttribute('aria-label') || el.textContent || '';
    return `${el.tagName.toLowerCase()} ${label.trim().replace(/\s+/g, ' ')}`;
  });
}

// Presses Tab (at most `max` times) until the focused element is `want` (as `focused` describes
// it); fails listing where focus went.
export async function tabTo(page, want, max = 20) {
  const seen = [];
  for (let i = 0; i <= max; i++) {
    const now = await focused(page);
    if (now === want) return;
    seen.push(now);
    await page.keyboard.press('Tab');
  }
  throw new Failure(`Tab never reached "${want}"; focus went: ${seen.join(' -> ')}`);
}

// The session the page's cookie holds: GET /v1/auth/session from inside the page.
export async function pageSession(page) {
  return page.evaluate(async () => {
    const r = await fetch('/v1/auth/session', { credentials: 'same-origin' });
    return { status: r.status, body: r.status === 200 ? await r.json() : await r.text() };
  });
}

// Collects what the page printed to its console and its uncaught errors, for failure reports.
export function recordConsole(page, sink) {
  page.on('console', (m) => sink.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => sink.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => sink.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
}

// --- running a scenario --------------------------------------------------------------------

// Runs `body(t)` with a browser, then closes everything and exits 0, or 1 on failure (with
// the error, the pages' console output and a screenshot of every open page).
// t: {name, browser, context(options), page(options), shot(page, step), log(...)}.
// Unless `allowPageErrors`, a page's uncaught error or a CSP violation (an inline script or
// style the dashboard's policy blocks) fails the scenario too.
export function scenario(body, {
  timeoutMs = Number(process.env.SCENARIO_TIMEOUT_MS) || 60_000, allowPageErrors = false,
} = {}) {
  const name = path.basename(process.argv[1], '.mjs');
  const started = Date.now();
  const consoleLines = [];
  const contexts = [];
  let browser;
  const log = (...args) => console.log(`[${((Date.now() - started) / 1000).toFixed(2)}s]`, ...args);
  const t = {
    name,
    log,
    get browser() { return browser; },
    async context(options = {}) {
      const c = await newContext(browser, options);
      contexts.push(c);
      c.on('page', (p) => recordConsole(p, consoleLines));
      return c;
    },
    async page(options = {}) {
      const c = await t.context(options);
      return c.newPage();
    },
    shot: async (page, step) => log('screenshot', await screenshot(page, name, step)),
  };

  const run = async () => {
    browser = await launchBrowser();
    log(`chromium ${browser.version()} launched from node ${process.version}`);
    await body(t);
    const broken = consoleLines.filter((l) => l.startsWith('pageerror:') || /Content Security Policy/.test(l));
    if (!allowPageErrors && broken.length) {
      throw new Failure(`the pages had ${broken.length} error(s):\n  ${broken.join('\n  ')}`);
    }
  };
  const deadline = new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Failure(`scenario timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });

  // The driver sends SIGTERM when the scenario overruns its deadline: close Chromium, then go.
  process.once('SIGTERM', async () => {
    console.error(`${name}: stopped by SIGTERM`);
    await closeAll(browser);
    process.exit(1);
  });

  Promise.race([run(), deadline]).then(
    async () => {
      for (const line of consoleLines) log(`  ${line}`);
      log(`${name}: ok (${shotCount} screenshot(s))`);
      await closeAll(browser);
      process.exit(0);
    },
    async (error) => {
      console.error(`${name}: FAILED: ${error instanceof Failure ? error.message : error.stack || error}`);
      for (const line of consoleLines) console.error(`  ${line}`);
      let i = 0;
      for (const c of contexts) {
        for (const p of c.pages()) {
          try {
            const text = await Promise.race([
              p.evaluate(() => document.body?.innerText || ''),
              new Promise((resolve) => setTimeout(() => resolve('(no answer)'), 2000).unref()),
            ]);
            // Shown once keys and invites stay out of the logs (scripts/scan-secrets reads them).
            const shown = text.replace(/\s+/g, ' ').replace(/\b(rt|tgk|inv)_[A-Za-z0-9_-]{16,}/g, '$1_…');
            console.error(`  page ${p.url()} text: ${shown.slice(0, 600)}`);
            console.error(`  page ${p.url()} shot: ${await screenshot(p, name, `failure-${i++}`)}`);
          } catch { /* the page may be gone */ }
        }
      }
      await closeAll(browser);
      process.exit(1);
    });
}

async function closeAll(browser) {
  if (!browser) return;
  const closing = browser.close().catch(() => {});
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
}
