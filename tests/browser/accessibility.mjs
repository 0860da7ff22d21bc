// axe-core finds no serious or critical violation on the sign-in page and the Accounts page,
// at a desktop size and at a phone's (390x844), where neither page scrolls sideways.
import { scenario, env, visible, signedIn, signIn, checkAxe, checkNoHorizontalScroll } from './lib.mjs';

const SIZES = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]];

scenario(async (t) => {
  for (const [size, viewport] of SIZES) {
    // axe is injected as an inline script, which the dashboard's CSP forbids: this context
    // bypasses the CSP; the plain one below checks the layout as users get it.
    const axePage = await t.page({ viewport, bypassCSP: true });
    await axePage.goto(env.tgmux + '/');
    await visible(axePage.getByRole('button', { name: 'Sign in', exact: true }));
    await checkAxe(axePage, `sign-in (${size})`);
    await signIn(axePage);
    await signedIn(axePage);
    await visible(axePage.getByRole('button', { name: 'Add account', exact: true }));
    await checkAxe(axePage, `accounts (${size})`);

    const page = await t.page({ viewport });
    await page.goto(env.tgmux + '/');
    await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
    await checkNoHorizontalScroll(page, `sign-in (${size})`);
    await t.shot(page, `sign-in-${size}`);
    await signIn(page);
    await signedIn(page);
    await visible(page.getByRole('button', { name: 'Add account', exact: true }));
      await checkNoHorizontalScroll(page, `accounts (${size})`);
    await t.shot(page, `accounts-${size}`);
  }
});
