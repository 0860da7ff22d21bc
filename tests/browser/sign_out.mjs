// Sign-out: back to the sign-in form, the cookies are gone, and a reload stays signed out.
import {
  scenario, env, check, checkEqual, visible, pageSession, accountsHeading, openSignedIn,
} from './lib.mjs';

scenario(async (t) => {
  const page = await openSignedIn(t);

  const ended = page.waitForResponse((r) => r.url() === env.tgmux + '/v1/auth/session' &&
    r.request().method() === 'DELETE');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  checkEqual((await ended).status(), 204, 'DELETE /v1/auth/session');
  await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
  check(!(await accountsHeading(page).isVisible()), 'no Accounts page after sign-out');
  await t.shot(page, 'signed-out');
  checkEqual((await pageSession(page)).status, 401, 'session after sign-out');
  const names = (await page.context().cookies()).map((c) => c.name);
  check(!names.includes('tgmux_session'), `no session cookie after sign-out (cookies: ${names.join(', ')})`);

  await page.reload();
  await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
  check(!(await accountsHeading(page).isVisible()), 'no Accounts page after a reload');
  const refresh = await page.evaluate(async () => (await fetch('/v1/auth/session/refresh', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', credentials: 'same-origin',
  })).status);
  checkEqual(refresh, 401, 'refresh after sign-out');
  await t.shot(page, 'reloaded');
});
