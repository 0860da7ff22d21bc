// The browser session outlives its access token: tgmux runs with 3-second access tokens
// (TGMUX_ACCESS_TOKEN_TTL=3), the page refreshes its cookies by itself before they expire and
// stays signed in across several lifetimes and a reload; two tabs refreshing at the same
// moment both succeed (the grace window). The refresh cookie is sent only to its own path.
import { scenario, env, check, checkEqual, signedIn, signIn, pageSession } from './lib.mjs';

const isRefresh = (r) => r.url() === env.tgmux + '/v1/auth/session/refresh' && r.request().method() === 'POST';

const refreshFromPage = (page) => page.evaluate(async () => (await fetch('/v1/auth/session/refresh', {
  method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}',
})).status);

scenario(async (t) => {
  const page = await t.page();
  await page.goto(env.tgmux + '/');
  const signedInAnswer = page.waitForResponse((r) => r.url() === env.tgmux + '/v1/auth/session' &&
    r.request().method() === 'POST');
  await signIn(page);
  checkEqual((await (await signedInAnswer).json()).expires_in, 3, 'expires_in of the sign-in');
  await signedIn(page);
  const first = await pageSession(page);
  checkEqual(first.status, 200, 'the session');

  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === 'tgmux_refresh');
  check(refresh, `a refresh cookie (cookies: ${cookies.map((c) => c.name).join(', ')})`);
  checkEqual([refresh.path, refresh.httpOnly, refresh.sameSite], ['/v1/auth/session', true, 'Strict'],
    'the refresh cookie\'s path and flags');

  // Three refreshes the page makes by itself: 3 lifetimes of the first access token have passed.
  for (let i = 1; i <= 3; i++) {
    const answer = await page.waitForResponse(isRefresh, { timeout: 10_000 });
    checkEqual(answer.status(), 200, `automatic refresh ${i}`);
  }
  const later = await pageSession(page);
  checkEqual([later.status, later.body.csrf_token], [200, first.body.csrf_token],
    'the session (and its CSRF token) after three refreshes');
  await page.reload();
  await signedIn(page);
  await t.shot(page, 'still-signed-in');

  // Two tabs of one browser refresh at the same moment with the same refresh cookie: each
  // request is held until both are on their way, then both go out at once (route.fetch sends
  // them with the context's cookies as they are, before either answer rotates them).
  const other = await page.context().newPage();
  await other.goto(env.tgmux + '/');
  await signedIn(other);
  let release;
  const bothHeld = new Promise((resolve) => { release = resolve; });
  let held = 0;
  await page.context().route('**/v1/auth/session/refresh', async (route) => {
    if (++held === 2) release();
    await bothHeld;
    await route.fulfill({ response: await route.fetch() });
  });
  const both = await Promise.all([refreshFromPage(page), refreshFromPage(other)]);
  await page.context().unrouteAll();
  checkEqual(both, [200, 200], 'two tabs refreshing at once');
  checkEqual([(await pageSession(page)).status, (await pageSession(other)).status], [200, 200],
    'both tabs\' sessions after that');
  await signedIn(other);
  await t.shot(other, 'second-tab');
});
