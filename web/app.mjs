// The dashboard: start-up (session, refresh, setup), hash routing and the
// page frame (<header> with <nav>, <main>).

import { render } from './vendor/preact.mjs';
import { useEffect, useState } from './vendor/hooks.mjs';
import { api, acceptSession, endSession, onSession, refreshSession, ApiError } from './api.mjs';
import { startLive, stopLive } from './live.mjs';
import { html, Alert, isAdmin } from './ui.mjs';
import { SignInPage, SetupPage } from './pages/signin.mjs';
import { AccountsPage } from './pages/accounts.mjs';
import { MessagesPage } from './pages/messages.mjs';
import { SettingsPage } from './pages/settings.mjs';

function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'settings') return { page: 'settings' };
  if (parts[0] === 'accounts' && parts[1] && parts[2] === 'messages') {
    return { page: 'messages', accountId: parts[1], chatId: parts[3] || null };
  }
  return { page: 'accounts' };
}

function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

// GET /v1/auth/session; on 401 a refresh; on 401 again, what /v1/setup says.
async function startUp() {
  try {
    return { session: await api.get('/v1/auth/session') };
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
  }
  const refreshed = await refreshSession();
  if (refreshed) return { session: refreshed };
  return { setup: await api.get('/v1/setup') };
}

function Header({ user, route, onSignOut }) {
  const link = (href, label, active) => html`
    <a href=${href} aria-current=${active ? 'page' : undefined}>${label}</a>`;
  return html`
    <header class="top">
      <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
      <span class="brand"><img src="/ui/favicon.svg" alt="" width="24" height="24" /> tgmux</span>
      ${user && html`
        <nav aria-label="Main">
          ${link('#/accounts', 'Accounts', route.page === 'accounts' || route.page === 'messages')}
          ${isAdmin(user) && link('#/settings', 'Settings', route.page === 'settings')}
        </nav>
        <div class="user">
          <span class="who">${user.email} <span class="role">(${user.role})</span></span>
          <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
        </div>`}
    </header>`;
}

function Page({ user, route }) {
  if (route.page === 'messages') {
    return html`<${MessagesPage} user=${user} accountId=${route.accountId} chatId=${route.chatId} />`;
  }
  if (route.page === 'settings') {
    if (!isAdmin(user)) {
      return html`<h1 tabindex="-1">Settings</h1><p>Only admins and owners manage the settings.</p>`;
    }
    return html`<${SettingsPage} user=${user} />`;
  }
  return html`<${AccountsPage} user=${user} />`;
}

function App() {
  const route = useRoute();
  const [state, setState] = useState({ phase: 'loading' });
  const [error, setError] = useState(null);

  useEffect(() => {
    const off = onSession((session) => {
      if (session) {
        setState({ phase: 'app', user: session.user });
        startLive();
      } else {
        stopLive();
        setState((s) => (s.phase === 'app' || s.phase === 'loading' ? { phase: 'signin' } : s));
      }
    });
    startUp()
      .then(({ session, setup }) => {
        if (session) acceptSession(session);
        else if (setup.needs_owner) setState({ phase: 'setup', tokenRequired: !!setup.token_required });
        else setState({ phase: 'signin' });
      })
      .catch((e) => { setError(e); setState({ phase: 'signin' }); });
    return off;
  }, []);

  // After a page change, move focus to the page's heading for screen readers.
  useEffect(() => {
    if (state.phase !== 'app') return;
    const heading = document.querySelector('main h1');
    if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
  }, [route.page, route.accountId, state.phase]);

  const signOut = async () => {
    try { await api.del('/v1/auth/session'); } catch { /* the session is over anyway */ }
    endSession();
    location.hash = '#/accounts';
  };

  let body;
  if (state.phase === 'loading') body = html`<p class="muted" role="status">Loading…</p>`;
  else if (state.phase === 'setup') body = html`<${SetupPage} tokenRequired=${state.tokenRequired} />`;
  else if (state.phase === 'signin') body = html`<${SignInPage} />`;
  else body = html`<${Page} user=${state.user} route=${route} />`;

  return html`
    <${Header} user=${state.phase === 'app' ? state.user : null} route=${route} onSignOut=${signOut} />
    <main id="main" tabindex="-1" class=${`page-${state.phase === 'app' ? route.page : state.phase}`}>
      <${Alert} error=${error} />
      ${body}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
