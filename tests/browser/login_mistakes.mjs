// Linking with mistakes, as people make them: a QR scan on an account with a 2FA password,
// first typed wrong ("Wrong password" under the field, the QR not restarted) then right; and
// a phone login with a wrong code first (the attempts left go down) then the right one.
// Names beyond the contract's: the dialog's tabs "QR code" and "Phone", "Phone number",
// "Send code", "Code", "Verify", "2FA password", "Continue", and "N attempts left".
import {
  scenario, api, sim, checkEqual, visible, hidden, waitFor, startQrLogin, scanQr, openSignedIn,
} from './lib.mjs';

const QR_PHONE = '+15550009001';
const CODE_PHONE = '+15550009002';
const PASSWORD = 'correct-horse-9';

scenario(async (t) => {
  const owner = await api.login();
  await sim.createUser(QR_PHONE, 'Quentin', { password: PASSWORD, password_hint: 'the horse' });
  await sim.createUser(CODE_PHONE, 'Paula');
  const accounts = async () => (await api.get(owner.access_token, '/v1/accounts')).items;

  const page = await openSignedIn(t);

  // QR, then the password Telegram asks for after the scan.
  const { dialog, login } = await startQrLogin(page);
  await scanQr(owner.access_token, login.id, QR_PHONE);
  const password = await visible(dialog.getByLabel('2FA password'));
  await visible(dialog.getByText('Hint: the horse'));
  await password.fill('not-the-password');
  await dialog.getByRole('button', { name: 'Continue', exact: true }).click();
  await visible(dialog.getByRole('alert').getByText('Wrong password'));
  await t.shot(page, 'password-refused');
  checkEqual((await api.get(owner.access_token, `/v1/logins/${login.id}`)).state, 'password_needed',
    'the login after a wrong password');
  await password.fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Continue', exact: true }).click();
  await hidden(page.getByRole('dialog'));
  await visible(page.getByRole('article', { name: /Quentin/ }));
  checkEqual((await accounts()).length, 1, 'accounts after the QR login');

  // Phone, a wrong code first.
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const phoneDialog = await visible(page.getByRole('dialog'));
  await phoneDialog.getByRole('tab', { name: 'Phone', exact: true }).click();
  await phoneDialog.getByLabel('Phone number').fill(CODE_PHONE);
  await phoneDialog.getByRole('button', { name: 'Send code', exact: true }).click();
  const code = await visible(phoneDialog.getByLabel('Code', { exact: true }));
  const right = await waitFor(() => sim.lastCode(CODE_PHONE), { what: 'the code tgsim sent' });
  const wrong = right === '11111' ? '22222' : '11111';
  await code.fill(wrong);
  await phoneDialog.getByRole('button', { name: 'Verify', exact: true }).click();
  await visible(phoneDialog.getByRole('alert'));
  await visible(phoneDialog.getByText('4 attempts left'));
  await t.shot(page, 'wrong-code');
  await code.fill(right);
  await phoneDialog.getByRole('button', { name: 'Verify', exact: true }).click();
  await hidden(page.getByRole('dialog'));
  await visible(page.getByRole('article', { name: /Paula/ }));
  await t.shot(page, 'both-linked');
  checkEqual((await accounts()).map((a) => a.status), ['active', 'active'], 'statuses');
});
