// Sign-in: a wrong password shows an error and signs no one in; the right one lands on Accounts.
import { scenario, env, checkEqual, visible, signedIn, signIn, pageSession } from './lib.mjs';

scenario(async (t) => {
  const page = await t.page();
  await page.goto(env.tgmux + '/');
  await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
  await t.shot(page, 'form');

  const answered = page.waitForResponse((r) => r.url() === env.tgmux + '/v1/auth/session' &&
    r.request().method() === 'POST');
  await signIn(page, env.ownerEmail, 'not-the-password-1');
  checkEqual((await answered).status(), 401, 'POST /v1/auth/session with a wrong password');
  await visible(page.getByRole('alert'));
  await t.shot(page, 'password-refused');
  checkEqual((await pageSession(page)).status, 401, 'session after a wrong password');

  await signIn(page);
  await signedIn(page);
  await t.shot(page, 'accounts');
  const session = await pageSession(page);
  checkEqual([session.status, session.body.user?.email], [200, env.ownerEmail], 'the signed-in user');
  const cookies = await page.context().cookies();
  const cookie = cookies.find((c) => c.name === 'tgmux_session');
  checkEqual([!!cookie, cookie?.httpOnly, cookie?.sameSite], [true, true, 'Strict'], 'the session cookie');
});
