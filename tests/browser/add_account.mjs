// Linking Telegram accounts from the dashboard, against tgsim: by QR code (the person
// "scans" the link through tgsim's control API) and by phone (the code read from tgsim).
// Beyond the contract's "Add account", it uses the names of the ui branch's dialog: tabs
// "QR code" and "Phone", the image "QR code to scan in Telegram", labels "Phone number" and
// "Code", buttons "Send code" and "Verify".
import {
  scenario, api, sim, checkEqual, visible, hidden, waitFor, startQrLogin, scanQr, openSignedIn,
} from './lib.mjs';

const QR_PHONE = '+15550007001';
const CODE_PHONE = '+15550007002';

scenario(async (t) => {
  const owner = await api.login();
  await sim.createUser(QR_PHONE, 'Quincy');
  await sim.createUser(CODE_PHONE, 'Penelope');
  const accounts = async () => (await api.get(owner.access_token, '/v1/accounts')).items;

  const page = await openSignedIn(t);

  // By QR code.
  const { login } = await startQrLogin(page);
  await t.shot(page, 'qr');
  await scanQr(owner.access_token, login.id, QR_PHONE);
  await waitFor(async () => (await accounts()).length === 1, { what: 'the QR account to be linked' });
  await hidden(page.getByRole('dialog'));
  await visible(page.getByText('Quincy').first());
  await t.shot(page, 'qr-linked');

  // By phone.
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const phoneDialog = await visible(page.getByRole('dialog'));
  await phoneDialog.getByRole('tab', { name: 'Phone', exact: true }).click();
  await phoneDialog.getByLabel('Phone number').fill(CODE_PHONE);
  await phoneDialog.getByRole('button', { name: 'Send code', exact: true }).click();
  const code = await visible(phoneDialog.getByLabel('Code', { exact: true }));
  await t.shot(page, 'code');
  await code.fill(await sim.lastCode(CODE_PHONE));
  await phoneDialog.getByRole('button', { name: 'Verify', exact: true }).click();
  await waitFor(async () => (await accounts()).length === 2, { what: 'the phone account to be linked' });
  await hidden(page.getByRole('dialog'));
  await visible(page.getByText('Penelope').first());
  await t.shot(page, 'phone-linked');
  checkEqual((await accounts()).map((a) => a.status).sort(), ['active', 'active'], 'statuses of the accounts');
});
