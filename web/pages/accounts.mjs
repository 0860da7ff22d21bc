// Accounts: every linked Telegram account as an <article>, live status.

import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { api, getAll, enc } from '../api.mjs';
import { subscribe } from '../live.mjs';
import { html, Alert, ConfirmDialog, fmtTime, isAdmin, useId } from '../ui.mjs';
import { AddAccountDialog } from './add_account.mjs';

export const accountName = (a) => a.display_name || a.phone_masked || a.username || a.id;

function DisplayName({ account, canEdit, onSave }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState(null);
  const inputRef = useRef(null);
  const buttonRef = useRef(null);
  const id = useId('name');

  useEffect(() => { if (editing && inputRef.current) inputRef.current.select(); }, [editing]);

  const start = () => { setValue(account.display_name || ''); setError(null); setEditing(true); };
  const stop = () => { setEditing(false); setTimeout(() => buttonRef.current && buttonRef.current.focus(), 0); };
  const save = async (e) => {
    if (e) e.preventDefault();
    try {
      await onSave({ display_name: value.trim() });
      stop();
    } catch (err) { setError(err); }
  };
  const key = (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); stop(); }
  };

  if (editing) {
    return html`
      <form class="rename" onSubmit=${save}>
        <label for=${id}>Display name</label>
        <div class="row">
          <input id=${id} ref=${inputRef} value=${value} maxlength="128"
                 onInput=${(e) => setValue(e.currentTarget.value)} onKeyDown=${key} />
          <button type="submit">Save</button>
          <button type="button" class="secondary" onClick=${stop}>Cancel</button>
        </div>
        <${Alert} error=${error} />
      </form>`;
  }
  return html`
    <div class="name-row">
      <h2>${accountName(account)}</h2>
      ${canEdit && html`<button type="button" class="link-button" ref=${buttonRef} onClick=${start}>Rename</button>`}
    </div>`;
}

function Toggle({ label, checked, disabled, onChange }) {
  const id = useId('chk');
  return html`
    <span class="toggle">
      <input type="checkbox" id=${id} checked=${checked} disabled=${disabled}
             onChange=${(e) => onChange(e.currentTarget.checked)} />
      <label for=${id}>${label}</label>
    </span>`;
}

const FLAGS = [['accepts_private', 'Private'], ['accepts_groups', 'Groups'], ['accepts_channels', 'Channels']];

function AccountCard({ account, admin, onChanged, onRemoved }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const name = accountName(account);
  const disabled = account.status === 'disabled';

  const patch = async (fields) => {
    setError(null);
    const updated = await api.patch(`/v1/accounts/${enc(account.id)}`, fields);
    onChanged(updated);
    return updated;
  };
  const act = async (fields) => {
    setBusy(true);
    try { await patch(fields); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const flag = (field) => async (value) => {
    onChanged({ ...account, [field]: value });
    try { await patch({ [field]: value }); } catch (e) { setError(e); onChanged({ ...account }); }
  };

  return html`
    <article class="account card" aria-label=${name}>
      <div class="account-head">
        <${DisplayName} account=${account} canEdit=${admin} onSave=${patch} />
        <p class="status-line"><span class="visually-hidden">Status: </span>
          <span class=${`status status-${account.status}`}>${account.status}</span></p>
      </div>
      <dl class="facts">
        <div><dt>Username</dt><dd>${account.username ? `@${account.username}` : '—'}</dd></div>
        <div><dt>Telegram id</dt><dd>${account.telegram_user_id || '—'}</dd></div>
        <div><dt>Phone</dt><dd>${account.phone_masked || '—'}</dd></div>
        <div><dt>Linked</dt><dd>${fmtTime(account.created_at)}</dd></div>
        <div><dt>Last connected</dt><dd>${fmtTime(account.last_connected_at)}</dd></div>
        ${account.flood_wait_until && html`
          <div><dt>Waits until</dt><dd>${fmtTime(account.flood_wait_until)}</dd></div>`}
        <div class="wide"><dt>Last error</dt><dd>${account.last_error || '—'}</dd></div>
      </dl>
      ${admin ? html`
        <fieldset class="flags">
          <legend>Receive messages from</legend>
          ${FLAGS.map(([field, label]) => html`
            <${Toggle} key=${field} label=${label} checked=${!!account[field]} onChange=${flag(field)} />`)}
        </fieldset>` : html`
        <p class="muted">Receives: ${FLAGS.filter(([f]) => account[f]).map(([, l]) => l).join(', ') || 'nothing'}</p>`}
      <${Alert} error=${error} />
      <div class="actions">
        <a class="button-link" href=${`#/accounts/${enc(account.id)}/messages`}>Messages</a>
        ${admin && html`
          <button type="button" class="secondary" disabled=${busy}
                  onClick=${() => act({ disabled: !disabled })}>${disabled ? 'Enable' : 'Disable'}</button>
          <button type="button" class="danger-outline" onClick=${() => setConfirming(true)}>Unlink</button>`}
      </div>
      ${confirming && html`
        <${ConfirmDialog} title=${`Unlink ${name}?`}
          message="tgmux logs this account out of Telegram and forgets its session. Its queued messages are not sent. Link it again to use it."
          confirmLabel="Unlink account"
          onConfirm=${async () => { await api.del(`/v1/accounts/${enc(account.id)}`); onRemoved(account.id); }}
          onClose=${() => setConfirming(false)} />`}
    </article>`;
}

export function AccountsPage({ user }) {
  const admin = isAdmin(user);
  const [accounts, setAccounts] = useState(null);
  const [error, setError] = useState(null);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');

  const load = async () => {
    try {
      setAccounts(await getAll('/v1/accounts?limit=200'));
      setError(null);
    } catch (e) { setError(e); }
  };
  const upsert = (account) => setAccounts((list) => {
    const items = list || [];
    return items.some((a) => a.id === account.id)
      ? items.map((a) => (a.id === account.id ? account : a))
      : [...items, account];
  });
  const remove = (id) => setAccounts((list) => (list || []).filter((a) => a.id !== id));

  useEffect(() => {
    load();
    return subscribe(async (type, event) => {
      if (type === 'live.reconnected') { load(); return; }
      if (type === 'account.status' && event) {
        const id = event.account_id;
        if (event.data && event.data.status === 'unlinked') { remove(id); return; }
        // Show the new status at once, then read the whole account.
        if (event.data && event.data.status) {
          setAccounts((list) => (list || []).map((a) => (a.id === id
            ? { ...a, status: event.data.status, last_error: event.data.last_error ?? a.last_error } : a)));
        }
        try { upsert(await api.get(`/v1/accounts/${enc(id)}`)); } catch { load(); }
      } else if (type === 'login.state' && event && event.data && event.data.state === 'done') {
        load();
      }
    });
  }, []);

  const added = (account) => {
    setAdding(false);
    if (account) {
      upsert(account);
      setNotice(`${accountName(account)} is linked.`);
    }
    load();
  };

  return html`
    <div class="page-head">
      <h1 tabindex="-1">Accounts</h1>
      ${admin && html`<button type="button" onClick=${() => { setNotice(''); setAdding(true); }}>Add account</button>`}
    </div>
    <p class="visually-hidden" role="status">${notice}</p>
    <${Alert} error=${error} />
    ${accounts === null && !error && html`<p class="muted">Loading accounts…</p>`}
    ${accounts && accounts.length === 0 && html`
      <p class="empty">No account is linked yet.${admin ? ' Add one with its QR code or phone number.' : ''}</p>`}
    <div class="accounts">
      ${(accounts || []).map((a) => html`
        <${AccountCard} key=${a.id} account=${a} admin=${admin} onChanged=${upsert} onRemoved=${remove} />`)}
    </div>
    ${adding && html`<${AddAccountDialog} onClose=${added} />`}`;
}
