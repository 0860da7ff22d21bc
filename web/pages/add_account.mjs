// The "Add account" dialog: link a Telegram account by QR code or by phone.

import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { api, enc, ApiError } from '../api.mjs';
import { html, Alert, Modal, useId } from '../ui.mjs';

const FINISHED = new Set(['done', 'failed', 'expired', 'cancelled']);

const problemOf = (login) => (login && login.error ? login.error.message || login.error.code : null);

// Polls GET /v1/logins/{id} about once a second while `active`.
function usePoll(login, setLogin, active) {
  const idRef = useRef(null);
  idRef.current = login ? login.id : null;
  useEffect(() => {
    if (!active) return undefined;
    let stopped = false;
    const timer = setInterval(async () => {
      const id = idRef.current;
      if (!id) return;
      try {
        const fresh = await api.get(`/v1/logins/${enc(id)}`);
        if (!stopped && idRef.current === id) setLogin(fresh);
      } catch (e) {
        if (!stopped && e instanceof ApiError && e.status === 404) {
          setLogin((l) => ({ ...l, state: 'failed', error: { message: e.message } }));
        }
      }
    }, 1000);
    return () => { stopped = true; clearInterval(timer); };
  }, [active]);
}

// Cancels the login when the panel goes away before it is done.
function useCancelOnLeave(login) {
  const ref = useRef(null);
  ref.current = login;
  useEffect(() => () => {
    const l = ref.current;
    if (l && l.id && !FINISHED.has(l.state)) api.del(`/v1/logins/${enc(l.id)}`).catch(() => {});
  }, []);
}

// The 2FA password step, shared by both tabs. A wrong password stays here.
function PasswordStep({ login, onLogin }) {
  const [password, setPassword] = useState('');
  const [wrong, setWrong] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = useId('pw');
  const input = useRef(null);
  useEffect(() => { if (input.current) input.current.focus(); }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setWrong(false);
    setError(null);
    try {
      onLogin(await api.post(`/v1/logins/${enc(login.id)}/password`, { password }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'password_invalid') {
        setWrong(true);
        setPassword('');
      } else setError(err);
    } finally { setBusy(false); }
  };
  return html`
    <form onSubmit=${submit}>
      <p>This account has two-step verification.</p>
      <div class="field">
        <label for=${id}>2FA password</label>
        <input id=${id} ref=${input} type="password" value=${password} required autocomplete="off"
               aria-describedby=${`${id}-hint`} aria-invalid=${wrong ? 'true' : undefined}
               onInput=${(e) => setPassword(e.currentTarget.value)} />
        <p class="hint" id=${`${id}-hint`}>${login.password_hint ? `Hint: ${login.password_hint}` : 'No hint was set.'}</p>
        ${wrong && html`<p class="error" role="alert">Wrong password</p>`}
      </div>
      <${Alert} error=${error} />
      <button type="submit" disabled=${busy}>Continue</button>
    </form>`;
}

function QrPanel({ onDone }) {
  const [login, setLogin] = useState(null);
  const [error, setError] = useState(null);
  const [attempt, setAttempt] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [version, setVersion] = useState(0);
  const seen = useRef('');

  useEffect(() => {
    let cancelled = false;
    setLogin(null);
    setError(null);
    api.post('/v1/logins', { method: 'qr' })
      .then((l) => { if (!cancelled) setLogin(l); })
      .catch((e) => { if (!cancelled) setError(e); });
    return () => { cancelled = true; };
  }, [attempt]);

  const state = login ? login.state : null;
  usePoll(login, setLogin, !!login && !FINISHED.has(state));
  useCancelOnLeave(login);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  // A renewed link (or expiry) gets a new image URL so that the browser fetches it again.
  useEffect(() => {
    const mark = login && login.qr ? `${login.qr.link}|${login.qr.expires_at}` : '';
    if (mark && mark !== seen.current) { seen.current = mark; setVersion((v) => v + 1); }
  }, [login]);
  useEffect(() => { if (state === 'done') onDone(login.account); }, [state]);

  const left = login && login.expires_at ? Math.max(0, Math.ceil((Date.parse(login.expires_at) - now) / 1000)) : null;
  const expired = state === 'expired' || (state === 'qr_pending' && left === 0);
  const retry = html`<button type="button" onClick=${() => setAttempt((a) => a + 1)}>Try again</button>`;

  if (error) return html`<${Alert} error=${error} />${retry}`;
  if (!login || state === 'starting') return html`<p class="muted" role="status">Preparing the QR code…</p>`;
  if (expired) return html`<p role="status">The QR code expired before it was scanned.</p>${retry}`;
  if (state === 'failed' || state === 'cancelled') {
    return html`<p class="error" role="alert">${problemOf(login) || 'The login did not finish.'}</p>${retry}`;
  }
  if (state === 'password_needed') return html`<${PasswordStep} login=${login} onLogin=${setLogin} />`;
  if (state === 'done') return html`<p role="status">Linked.</p>`;
  return html`
    <div class="qr">
      <ol class="steps">
        <li>Open Telegram on your phone.</li>
        <li>Go to Settings › Devices › Link Desktop Device.</li>
        <li>Point the phone at this code.</li>
      </ol>
      ${login.qr && html`
        <img class="qr-image" src=${`/v1/logins/${enc(login.id)}/qr.svg?v=${version}`}
             alt="QR code to scan in Telegram" width="240" height="240" />`}
      ${left !== null && html`<p class="countdown" aria-live="off">Expires in ${left} s</p>`}
    </div>`;
}

const CODE_WAYS = {
  telegram_message: 'in Telegram (on another device where you are signed in)',
  sms: 'by SMS', call: 'by a phone call', flash_call: 'by a missed call', missed_call: 'by a missed call',
  fragment: 'on Fragment', email_code: 'by email',
};

function PhoneStep({ onLogin }) {
  const [phone, setPhone] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = useId('phone');
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try { onLogin(await api.post('/v1/logins', { method: 'phone', phone: phone.trim() })); } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`
    <form onSubmit=${submit}>
      <div class="field">
        <label for=${id}>Phone number</label>
        <input id=${id} type="tel" value=${phone} required autocomplete="tel" placeholder="+1 555 000 1122"
               aria-describedby=${`${id}-hint`} onInput=${(e) => setPhone(e.currentTarget.value)} />
        <p class="hint" id=${`${id}-hint`}>In international form, with the country code.</p>
      </div>
      <${Alert} error=${error} />
      <button type="submit" disabled=${busy}>Send code</button>
    </form>`;
}

function CodeStep({ login, onLogin }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState(null);
  const [info, setInfo] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId('code');
  const input = useRef(null);
  useEffect(() => { if (input.current) input.current.focus(); }, []);
  const way = login.code ? CODE_WAYS[login.code.type] || `by ${login.code.type}` : '';
  const verify = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInfo('');
    try {
      onLogin(await api.post(`/v1/logins/${enc(login.id)}/code`, { code: code.replace(/\s+/g, '') }));
    } catch (err) {
      if (err.problem && typeof err.problem.attempts_left === 'number') {
        onLogin({ ...login, attempts_left: err.problem.attempts_left });
      }
      setError(err);
    }
    setBusy(false);
  };
  const resend = async () => {
    setBusy(true);
    setError(null);
    try {
      const l = await api.post(`/v1/logins/${enc(login.id)}/resend`, {});
      onLogin(l);
      setInfo(`A new code is on its way${l.code ? ` ${CODE_WAYS[l.code.type] || `by ${l.code.type}`}` : ''}.`);
    } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`
    <form onSubmit=${verify}>
      <p>Telegram sent a code to ${login.phone_masked || 'the number'} ${way}.</p>
      <div class="field">
        <label for=${id}>Code</label>
        <input id=${id} ref=${input} value=${code} required inputmode="numeric" autocomplete="one-time-code"
               maxlength="12" onInput=${(e) => setCode(e.currentTarget.value)} />
      </div>
      ${typeof login.attempts_left === 'number' && html`<p class="hint">${login.attempts_left} attempts left</p>`}
      <${Alert} error=${error} />
      ${info && html`<p role="status">${info}</p>`}
      <div class="row">
        <button type="submit" disabled=${busy}>Verify</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${resend}>Resend code</button>
      </div>
    </form>`;
}

// A number with no Telegram account yet: Telegram asks for a name.
function RegisterStep({ login, onLogin }) {
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = useId('reg');
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { first_name: first.trim() };
    if (last.trim()) body.last_name = last.trim();
    try { onLogin(await api.post(`/v1/logins/${enc(login.id)}/register`, body)); } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`
    <form onSubmit=${submit}>
      <p>This number has no Telegram account yet. Telegram creates one with this name.</p>
      <div class="field">
        <label for=${`${id}-first`}>First name</label>
        <input id=${`${id}-first`} value=${first} required onInput=${(e) => setFirst(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for=${`${id}-last`}>Last name (optional)</label>
        <input id=${`${id}-last`} value=${last} onInput=${(e) => setLast(e.currentTarget.value)} />
      </div>
      <${Alert} error=${error} />
      <button type="submit" disabled=${busy}>Create account</button>
    </form>`;
}

function PhonePanel({ onDone }) {
  const [login, setLogin] = useState(null);
  const state = login ? login.state : null;
  usePoll(login, setLogin, state === 'starting');
  useCancelOnLeave(login);
  useEffect(() => { if (state === 'done') onDone(login.account); }, [state]);

  if (!login) return html`<${PhoneStep} onLogin=${setLogin} />`;
  if (state === 'starting') return html`<p class="muted" role="status">Asking Telegram for a code…</p>`;
  if (state === 'code_sent') return html`<${CodeStep} login=${login} onLogin=${setLogin} />`;
  if (state === 'password_needed') return html`<${PasswordStep} login=${login} onLogin=${setLogin} />`;
  if (state === 'registration_needed') return html`<${RegisterStep} login=${login} onLogin=${setLogin} />`;
  if (state === 'done') return html`<p role="status">Linked.</p>`;
  const why = state === 'expired' ? 'The login expired.' : problemOf(login) || `The login ended (${state}).`;
  return html`
    <p class="error" role="alert">${why}</p>
    <button type="button" onClick=${() => setLogin(null)}>Start again</button>`;
}

const TABS = [['qr', 'QR code'], ['phone', 'Phone']];

export function AddAccountDialog({ onClose }) {
  const [tab, setTab] = useState('qr');
  const base = useId('tab');
  const tabRefs = useRef({});
  const done = (account) => onClose(account || null);
  const keyNav = (e) => {
    const i = TABS.findIndex(([k]) => k === tab);
    let next = null;
    if (e.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length][0];
    else if (e.key === 'ArrowLeft') next = TABS[(i + TABS.length - 1) % TABS.length][0];
    else if (e.key === 'Home') next = TABS[0][0];
    else if (e.key === 'End') next = TABS[TABS.length - 1][0];
    if (!next) return;
    e.preventDefault();
    setTab(next);
    setTimeout(() => tabRefs.current[next] && tabRefs.current[next].focus(), 0);
  };
  return html`
    <${Modal} title="Add account" onClose=${() => onClose(null)} className="add-account">
      <div role="tablist" aria-label="How to link" class="tabs" onKeyDown=${keyNav}>
        ${TABS.map(([key, label]) => html`
          <button type="button" role="tab" key=${key} id=${`${base}-${key}`} aria-selected=${tab === key ? 'true' : 'false'}
                  aria-controls=${`${base}-${key}-panel`} tabindex=${tab === key ? 0 : -1}
                  ref=${(el) => { tabRefs.current[key] = el; }} onClick=${() => setTab(key)}>${label}</button>`)}
      </div>
      <div role="tabpanel" id=${`${base}-${tab}-panel`} aria-labelledby=${`${base}-${tab}`} class="tabpanel">
        ${tab === 'qr' ? html`<${QrPanel} key="qr" onDone=${done} />` : html`<${PhonePanel} key="phone" onDone=${done} />`}
      </div>
    <//>`;
}
