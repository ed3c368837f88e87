// Progressive enhancement only: every page works without this file.
'use strict';
document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('[data-confirm]');
  if (btn && !window.confirm(btn.dataset.confirm)) ev.preventDefault();
});

// Pickers (src/web/picker.c): the server renders a <select> or a search step;
// here they become a search-as-you-type combobox (the ARIA 1.2 combobox with a
// listbox popup) that puts the chosen id in a hidden input. A list picker
// (data-multiple) adds each choice as a removable chip.
let pickerSeq = 0;

function enhancePicker(box) {
  const name = box.dataset.name;
  const multiple = 'multiple' in box.dataset;
  const seq = ++pickerSeq;
  const form = box.closest('form');
  // what the server rendered: the current choice and its label
  let current = null;
  const sel = box.querySelector('select[name]');
  const hid = box.querySelector('input[type=hidden][name]');
  if (sel && sel.value) current = { id: sel.value, text: sel.selectedOptions[0].textContent };
  else if (hid && hid.value) current = { id: hid.value, text: (box.querySelector('.picked')?.firstChild?.textContent || '').trim() };
  const label = box.querySelector('label[for], legend');
  const error = box.querySelector('.field-error');
  // the combobox takes over the rendered control's id, so links to it (the
  // form's error summary, the label) still arrive
  const controlId = 'f-' + name;
  const inputId = box.querySelector('#' + CSS.escape(controlId)) ? controlId : 'pk-' + seq;
  // remove the no-script controls (the chips stay)
  for (const el of box.querySelectorAll('select, .pick-search, .picked, .pick-matches, input[type=hidden]:not(.pick-present)')) el.remove();
  if (label && label.tagName === 'LABEL') label.htmlFor = inputId;

  const hidden = document.createElement('input');
  hidden.type = 'hidden';
  if (!multiple) { hidden.name = name; hidden.value = current ? current.id : ''; }
  const input = document.createElement('input');
  input.type = 'text';
  input.id = inputId;
  input.autocomplete = 'off';
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', 'pk-list-' + seq);
  if (multiple && label) { label.id = label.id || 'pk-legend-' + seq; input.setAttribute('aria-labelledby', label.id); }
  if (error) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', error.id); }
  if (current) input.value = current.text;
  // what leaving it empty means, else what to choose, else how to search
  input.placeholder = box.dataset.empty && box.dataset.empty !== '—' ? box.dataset.empty : box.dataset.prompt || box.dataset.placeholder || '';
  const list = document.createElement('ul');
  list.id = 'pk-list-' + seq;
  list.className = 'pick-list';
  list.setAttribute('role', 'listbox');
  if (label) list.setAttribute('aria-label', label.textContent.trim());
  list.hidden = true;
  const wrap = document.createElement('div');
  wrap.className = 'pick-box';
  wrap.append(input, hidden, list);
  const anchor = multiple ? box.querySelector('.chip-list') : label;
  if (anchor) anchor.after(wrap); else box.prepend(wrap);
  if ('required' in box.dataset && !multiple) input.required = true;

  const chips = box.querySelector('.chip-list');
  const addRemove = (chip) => {
    const cb = chip.querySelector('input[type=checkbox]');
    if (!cb || chip.querySelector('button')) return;
    cb.hidden = true;
    const x = document.createElement('button');
    x.type = 'button';
    x.className = 'chip-remove';
    x.textContent = '×';
    x.setAttribute('aria-label', (box.dataset.remove || 'Remove') + ' ' + chip.textContent.trim());
    x.addEventListener('click', () => { chip.remove(); input.focus(); });
    chip.append(x);
  };
  if (chips) for (const c of chips.querySelectorAll('.chip')) addRemove(c);

  let items = [], more = false;
  let active = -1;
  let timer = null;
  let asked = 0;
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = (i) => {
    active = i;
    for (const [k, li] of [...list.children].entries()) li.setAttribute('aria-selected', k === i ? 'true' : 'false');
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (it) => {
    if (multiple) {
      if (!chips.querySelector(`input[value="${it.id}"]`)) {
        const chip = document.createElement('label');
        chip.className = 'chip';
        const cb = document.createElement('input');
        cb.type = 'checkbox';
        cb.name = name;
        cb.value = it.id;
        cb.checked = true;
        const small = document.createElement('small');
        small.className = 'code';
        small.textContent = it.code || '';
        chip.append(cb, ' ' + it.label + ' ', small);
        chips.append(chip);
        addRemove(chip);
      }
      input.value = '';
    } else {
      hidden.value = it.id;
      input.value = it.label + (it.context ? ' — ' + it.context : '');
      box.dispatchEvent(new CustomEvent('picked', { bubbles: true }));
    }
    close();
  };
  const render = () => {
    list.replaceChildren();
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'pick-none';
      li.textContent = (box.dataset.first && !unitChosen() ? box.dataset.first : box.dataset.none) || '—';
      li.setAttribute('aria-disabled', 'true');
      li.id = `pk-${seq}-none`;
      li.setAttribute('role', 'option');
      list.append(li);
    }
    items.forEach((it, i) => {
      const li = document.createElement('li');
      li.id = `pk-${seq}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const b = document.createElement('span');
      b.className = 'pick-label';
      b.textContent = it.label;
      li.append(b);
      // the context on a line of its own: the parent unit (of a unit), the unit (of a person), the code small
      const meta = document.createElement('span');
      meta.className = 'pick-meta';
      if (it.context) { const c = document.createElement('span'); c.className = 'pick-context'; c.textContent = it.context; meta.append(c); }
      if (it.code) { const c = document.createElement('small'); c.className = 'code'; c.textContent = it.code; meta.append(' ', c); }
      li.append(' ', meta);
      li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(it); });
      list.append(li);
    });
    if (more && box.dataset.more) {
      // others match too: say so, and how to narrow them down
      const li = document.createElement('li');
      li.className = 'pick-none pick-more';
      li.textContent = box.dataset.more;
      li.setAttribute('aria-disabled', 'true');
      li.setAttribute('role', 'option');
      li.id = `pk-${seq}-more`;
      list.append(li);
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    mark(-1);
  };
  // a person picker that follows a unit field: whether that field holds a unit
  const unitChosen = () => {
    if (!box.dataset.unitFrom || !form) return true;
    const f = form.querySelector(`input[type=hidden][name="${box.dataset.unitFrom}"], select[name="${box.dataset.unitFrom}"]`);
    return !!(f && f.value);
  };
  const url = () => {
    let u = box.dataset.url + '&q=' + encodeURIComponent(input.value.trim());
    if (box.dataset.unitFrom && form) {
      const f = form.querySelector(`input[type=hidden][name="${box.dataset.unitFrom}"], select[name="${box.dataset.unitFrom}"]`);
      u = u.replace(/&unit=\d+/, '') + '&unit=' + encodeURIComponent(f ? f.value : '');
    }
    return u;
  };
  const ask = async () => {
    const n = ++asked;
    try {
      const r = await fetch(url(), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (n !== asked) return;
      const got = r.ok ? await r.json() : { items: [] };
      items = got.items;
      more = !!got.more;
    } catch { items = []; more = false; }
    if (document.activeElement === input) render();
  };
  input.addEventListener('input', () => {
    if (!multiple) hidden.value = ''; // a new text: the old choice no longer holds
    close(); // the suggestions shown were for the old text
    asked++;
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener('focus', () => { if (!input.value || (!multiple && !hidden.value)) ask(); });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden) { ask(); return; }
      mark(Math.min(active + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (e.key === 'Enter') {
      if (!list.hidden && active >= 0 && items[active]) { e.preventDefault(); choose(items[active]); }
      else if (!list.hidden && items.length === 1) { e.preventDefault(); choose(items[0]); }
      else if (multiple || !list.hidden) e.preventDefault(); // Enter while choosing never submits
    } else if (e.key === 'Escape') {
      if (!list.hidden) { e.preventDefault(); close(); }
    }
  });
  // a person picker follows the unit picker it depends on
  if (box.dataset.unitFrom && form) {
    form.addEventListener('picked', (e) => {
      if (e.target === box || e.target.dataset?.name !== box.dataset.unitFrom) return;
      hidden.value = '';
      input.value = '';
    });
  }
}

for (const box of document.querySelectorAll('[data-picker]')) enhancePicker(box);

// A job's page (templates/jobs.html): while the job is queued or running, its
// JSON is polled and the progress bar follows it; at the end the page is
// loaded again from the server, which shows the result or the errors.
// Without this file the page has a "refresh" link.
const job = document.querySelector('[data-job]');
if (job && (job.dataset.status === 'queued' || job.dataset.status === 'running')) {
  const bar = document.getElementById('job-progress');
  const done = document.getElementById('job-done');
  const fmt = new Intl.NumberFormat(document.documentElement.lang || 'vi');
  const poll = async () => {
    try {
      const r = await fetch(job.dataset.job, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (r.ok) {
        const j = await r.json();
        if (j.status === 'done' || j.status === 'failed') { window.location.reload(); return; }
        if (bar && j.progress.total) { bar.max = j.progress.total; bar.value = Math.min(j.progress.done, j.progress.total); }
        if (done) done.textContent = fmt.format(j.progress.done);
      }
    } catch { /* the next poll tries again */ }
    setTimeout(poll, 500);
  };
  setTimeout(poll, 300);
}
