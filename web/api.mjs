// The dashboard's one door to the API: same-origin cookies, the CSRF header on
// every state-changing call, one refresh (and one retry) on 401, and errors
// carrying the problem's `detail` as their message.

const SAFE = new Set(['GET', 'HEAD']);

let csrfToken = null;
let refreshTimer = null;
let refreshing = null;
const sessionListeners = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `The server answered ${status}`);
    this.status = status;
    this.code = problem.code || null;
    this.problem = problem;
  }
}

// fn(session or null): called when the session starts, is refreshed, or ends.
export function onSession(fn) {
  sessionListeners.add(fn);
  return () => sessionListeners.delete(fn);
}

function announce(session) {
  for (const fn of sessionListeners) fn(session);
}

// Keeps the CSRF token of a session body ({user, csrf_token, expires_in}) and
// refreshes the cookies at 80% of their life.
export function acceptSession(body) {
  csrfToken = body.csrf_token;
  clearTimeout(refreshTimer);
  const seconds = Number(body.expires_in) || 900;
  refreshTimer = setTimeout(() => { refreshSession(); }, seconds * 800);
  announce(body);
  return body;
}

export function endSession() {
  csrfToken = null;
  clearTimeout(refreshTimer);
  refreshTimer = null;
  announce(null);
}

async function send(method, path, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers };
  const init = { method, credentials: 'same-origin', headers: h };
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (!SAFE.has(method) && csrfToken) h['X-CSRF-Token'] = csrfToken;
  return fetch(path, init);
}

async function parse(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => ({})) : {};
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

// POST /v1/auth/session/refresh, shared by everyone who asks at the same time.
// Resolves to the new session body, or null when the sign-in is over.
export function refreshSession() {
  if (!refreshing) {
    refreshing = send('POST', '/v1/auth/session/refresh', {})
      .then(async (r) => {
        if (r.status === 401) return null;
        return acceptSession(await parse(r));
      })
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

const isSessionPath = (path) => path.startsWith('/v1/auth/session') || path.startsWith('/v1/setup');

// request('GET', '/v1/accounts') -> parsed JSON (null for 204); throws ApiError.
export async function request(method, path, body, { headers = {} } = {}) {
  let response = await send(method, path, body, headers);
  if (response.status === 401 && !isSessionPath(path)) {
    // A refresh that fails for another reason (network, 429) throws: the sign-in stays.
    const session = await refreshSession();
    if (!session) {
      endSession();
      return parse(response);
    }
    response = await send(method, path, body, headers);
    if (response.status === 401) endSession();
  }
  return parse(response);
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body = {}, opts) => request('POST', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};

// Every item of a list, following next_cursor (at most `pages` pages).
export async function getAll(path, pages = 20) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api.get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...(page.items || []));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}

export const enc = encodeURIComponent;
