// Shared pieces of the settings sections: list loading, fields, a remove button that asks first.

import { useEffect, useState } from '../vendor/hooks.mjs';
import { getAll } from '../api.mjs';
import { html, ConfirmDialog, useId } from '../ui.mjs';

// The items of a list route, re-read with reload().
export function useList(path) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const reload = async () => {
    try { setItems(await getAll(path)); setError(null); } catch (e) { setError(e); setItems((i) => i || []); }
  };
  useEffect(() => { reload(); }, [path]);
  return { items, error, reload, setItems };
}

export function TextField({ label, value, onInput, type = 'text', required = false, hint, placeholder, autocomplete = 'off' }) {
  const id = useId('f');
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} type=${type} value=${value} required=${required} placeholder=${placeholder}
             autocomplete=${autocomplete} aria-describedby=${hint ? `${id}-hint` : undefined}
             onInput=${(e) => onInput(e.currentTarget.value)} />
      ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    </div>`;
}

export function SelectField({ label, value, onChange, options }) {
  const id = useId('s');
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
        ${options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
      </select>
    </div>`;
}

// A "Delete"/"Revoke" button that asks first.
export function RemoveButton({ label, title, message, confirmLabel, onConfirm, describedBy }) {
  const [asking, setAsking] = useState(false);
  return html`
    <button type="button" class="danger-outline small" aria-describedby=${describedBy}
            onClick=${() => setAsking(true)}>${label}</button>
    ${asking && html`<${ConfirmDialog} title=${title} message=${message} confirmLabel=${confirmLabel}
                       onConfirm=${onConfirm} onClose=${() => setAsking(false)} />`}`;
}
