// Keyboard only: Tab to the email field, type, Tab to the password, type, Enter; then Tab to
// "Sign out" and Enter. No clicks, no fills.
import { scenario, env, checkEqual, visible, signedIn, focused, tabTo } from './lib.mjs';

scenario(async (t) => {
  const page = await t.page();
  await page.goto(env.tgmux + '/');
  await visible(page.getByRole('button', { name: 'Sign in', exact: true }));

  await tabTo(page, 'input Email');
  await page.keyboard.type(env.ownerEmail);
  await page.keyboard.press('Tab');
  checkEqual(await focused(page), 'input Password', 'focus after Tab from Email');
  await page.keyboard.type(env.ownerPassword);
  await t.shot(page, 'typed');
  await page.keyboard.press('Enter');
  await signedIn(page);
  await t.shot(page, 'signed-in');

  await tabTo(page, 'button Sign out', 30);
  await page.keyboard.press('Enter');
  await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
  await t.shot(page, 'signed-out');
});
