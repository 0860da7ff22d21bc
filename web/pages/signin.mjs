// Sign-in and the first-run "Create the owner" form.

import { useState } from '../vendor/hooks.mjs';
import { api, acceptSession } from '../api.mjs';
import { html, Alert, useId } from '../ui.mjs';

function Field({ label, type = 'text', value, onInput, autocomplete, required = true, hint }) {
  const id = useId('in');
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} type=${type} value=${value} required=${required} autocomplete=${autocomplete}
             aria-describedby=${hintId} onInput=${(e) => onInput(e.currentTarget.value)} />
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    </div>`;
}

// A form that starts a session: `post()` gives the session's answer. Busy until
// it answers; an error stays shown under the fields.
function useSessionForm(post) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      acceptSession(await post());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSessionForm(
    () => api.post('/v1/auth/session', { email: email.trim(), password }));
  return html`
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit=${submit}>
        <${Field} label="Email" type="email" value=${email} onInput=${setEmail} autocomplete="username" />
        <${Field} label="Password" type="password" value=${password} onInput=${setPassword}
                  autocomplete="current-password" />
        <${Alert} error=${error} />
        <button type="submit" disabled=${busy}>Sign in</button>
      </form>
    </section>`;
}

export function SetupPage({ tokenRequired }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const { busy, error, submit } = useSessionForm(() => {
    const body = { email: email.trim(), password };
    if (tokenRequired) body.setup_token = token.trim();
    return api.post('/v1/setup', body);
  });
  return html`
    <section class="card narrow" aria-labelledby="setup-title">
      <h1 id="setup-title">Create the owner</h1>
      <p>No one uses this gateway yet. The first person becomes its owner.</p>
      <form onSubmit=${submit}>
        <${Field} label="Email" type="email" value=${email} onInput=${setEmail} autocomplete="username" />
        <${Field} label="Password" type="password" value=${password} onInput=${setPassword}
                  autocomplete="new-password" hint="At least 10 characters." />
        ${tokenRequired && html`
          <${Field} label="Setup token" value=${token} onInput=${setToken} autocomplete="off"
                    hint="Printed in tgmux's log at start while no user exists." />`}
        <${Alert} error=${error} />
        <button type="submit" disabled=${busy}>Create owner</button>
      </form>
    </section>`;
}
