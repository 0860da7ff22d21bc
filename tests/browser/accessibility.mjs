// axe-core finds no serious or critical violation on any page of the dashboard: sign-in,
// Accounts (with a linked account), the Add account dialog, Messages (a chat open) and
// Settings, at a desktop size and at a phone's (390x844), where none scrolls sideways.
import { scenario, api, sim, env, visible, signedIn, signIn, checkAxe, checkNoHorizontalScroll } from './lib.mjs';

const SIZES = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]];
const ACCOUNT = '+15550009201';
const FRIEND = '+15550009202';

// Each view: how to reach it from a signed-in Accounts page, and when it is there.
const VIEWS = [
  ['accounts', async (page) => {
    await visible(page.getByRole('article', { name: 'Olga' }));
  }],
  ['add-account', async (page) => {
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await visible(page.getByRole('dialog').getByRole('img', { name: 'QR code to scan in Telegram' }));
  }],
  ['messages', async (page, account) => {
    await page.goto(`${env.tgmux}/#/accounts/${account.id}/messages`);
    await page.getByRole('button', { name: /^Nils/ }).click();
    await visible(page.getByRole('log').getByText('Is the order on its way?'));
  }],
  ['settings', async (page) => {
    await page.goto(`${env.tgmux}/#/settings`);
    await visible(page.getByRole('heading', { name: 'Audit log', exact: true }));
  }],
];

scenario(async (t) => {
  const owner = await api.login();
  await sim.createUser(ACCOUNT, 'Olga');
  await sim.createUser(FRIEND, 'Nils');
  const account = await api.linkByPhone(owner.access_token, ACCOUNT);
  await sim.sendMessage(FRIEND, ACCOUNT, 'Is the order on its way?');

  for (const [size, viewport] of SIZES) {
    // axe is injected as an inline script, which the dashboard's CSP forbids: that context
    // bypasses the CSP; the plain one checks the layout as users get it.
    const axePage = await t.page({ viewport, bypassCSP: true });
    const page = await t.page({ viewport });
    for (const p of [axePage, page]) {
      await p.goto(env.tgmux + '/');
      await visible(p.getByRole('button', { name: 'Sign in', exact: true }));
    }
    await checkAxe(axePage, `sign-in (${size})`);
    await checkNoHorizontalScroll(page, `sign-in (${size})`);
    await t.shot(page, `sign-in-${size}`);
    for (const p of [axePage, page]) {
      await signIn(p);
      await signedIn(p);
    }
    for (const [name, reach] of VIEWS) {
      for (const p of [axePage, page]) {
        await p.goto(`${env.tgmux}/?view=${name}#/accounts`);  // a full load: no dialog left open
        await signedIn(p);
        await reach(p, account);
      }
      await checkAxe(axePage, `${name} (${size})`);
      await checkNoHorizontalScroll(page, `${name} (${size})`);
      await t.shot(page, `${name}-${size}`);
    }
  }
});
