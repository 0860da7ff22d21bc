// The harness itself, with no dashboard: a page under the dashboard's CSP served by a node
// server of its own (a form, a module script, a cookie), driven by role and label, checked
// by axe, screenshotted at two sizes; and tgmux's and tgsim's health routes answer.
import http from 'node:http';
import { scenario, api, sim, env, check, checkEqual, visible, waitFor, checkAxe, checkNoHorizontalScroll } from './lib.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const INDEX = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harness</title><script type="module" src="/app.mjs"></script></head>
<body><main><h1>Harness</h1>
<form id="f"><label for="e">Email</label><input id="e" type="email" autocomplete="username">
<button type="submit">Send</button></form><p id="out" role="status"></p>
<script>document.title = 'inline scripts must not run';</script></main></body></html>`;

const APP = `document.getElementById('f').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const r = await fetch('/echo', { method: 'POST', body: document.getElementById('e').value });
  document.getElementById('out').textContent = 'Hello ' + await r.text();
});`;

function startServer() {
  const server = http.createServer((req, res) => {
    const headers = { 'Content-Security-Policy': CSP };
    if (req.url === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(INDEX);
    } else if (req.url === '/app.mjs') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(APP);
    } else if (req.url === '/echo' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => res.writeHead(200, {
        'Content-Type': 'text/plain', 'Set-Cookie': 'seen=1; HttpOnly; SameSite=Strict; Path=/',
      }).end(body));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

scenario(async (t) => {
  const server = await startServer();
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const page = await t.page();
    await page.goto(base + '/');
    await visible(page.getByRole('heading', { name: 'Harness' }));
    checkEqual(await page.title(), 'Harness', 'title (the inline script is blocked by the CSP)');
    await page.getByLabel('Email').fill('someone@example.test');
    await page.getByRole('button', { name: 'Send' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Hello someone@example.test' }));
    const cookies = await page.context().cookies();
    check(cookies.some((c) => c.name === 'seen' && c.httpOnly), 'the HttpOnly cookie is set');
    await t.shot(page, 'form');

    const axePage = await t.page({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    await axePage.goto(base + '/');
    await visible(axePage.getByRole('heading', { name: 'Harness' }));
    await checkAxe(axePage, 'harness page');
    await checkNoHorizontalScroll(axePage, 'harness page at 390 px');
    await t.shot(axePage, 'narrow');

    await page.reload();
    await visible(page.getByRole('heading', { name: 'Harness' }));
    await page.keyboard.press('Tab');
    await waitFor(() => page.evaluate(() => document.activeElement?.id === 'e'), { what: 'Tab to focus the field' });
    await page.keyboard.type('keys@example.test');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('status').filter({ hasText: 'Hello keys@example.test' }));
  } finally {
    server.close();
  }
  if (env.tgmux) {
    const health = await api.request('GET', '/healthz');
    checkEqual(health.status, 200, 'tgmux /healthz');
  }
  if (env.tgsim) {
    const health = await sim.request('GET', '/healthz');
    checkEqual(health.body, { ok: true }, 'tgsim /control/healthz');
    const user = await sim.createUser('+15550009001', 'Harness');
    check(user.user_id, 'tgsim made a user');
    checkEqual(await sim.sessions('+15550009001'), [], 'sessions of a new user');
  }
}, { allowPageErrors: true });  // its page holds an inline script that the CSP must block
