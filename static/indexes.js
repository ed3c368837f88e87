// The index form's criteria rows (templates/indicators.html, index_new):
// rows added and removed in place, and the running total of the points —
// the main criteria against the total, each main's sub-criteria against its
// points — read the way the page's language writes numbers. Without this
// file "More rows" and "Remove" post the form, and the server sends it back
// as typed with the totals.
'use strict';
(() => {
  const form = document.getElementById('index-form');
  if (!form) return;
  const body = form.querySelector('tbody[data-rows]');
  const tpl = form.querySelector('template#crit-row-template');
  const add = form.querySelector('[data-add-row]');
  const mainsOut = form.querySelector('[data-total-mains]');
  const totalOut = form.querySelector('[data-total-points]');
  const totalIn = form.querySelector('input[name="total_points"]');
  const lang = document.documentElement.lang || 'vi';
  const vi = lang === 'vi';
  // "1.000,5" in Vietnamese, "1,000.5" otherwise
  const parse = (s) => {
    s = (s || '').trim().replace(/\s/g, '');
    if (!s) return NaN;
    s = vi ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
    return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  };
  const fmt = (n) => n.toLocaleString(vi ? 'vi-VN' : lang === 'hi' ? 'en-IN' : 'en-US', { maximumFractionDigits: 6 });

  const renumber = () => {
    body.querySelectorAll('tr[data-row]').forEach((tr, i) => {
      tr.querySelector('.row-no').textContent = String(i + 1);
      tr.querySelectorAll('[data-row-label]').forEach((s) => { s.textContent = s.textContent.replace(/\d+$/, String(i + 1)); });
      const sr = tr.querySelector('[data-remove-row] .sr');
      if (sr) sr.textContent = sr.textContent.replace(/\d+$/, String(i + 1));
    });
  };

  const totals = () => {
    let mains = 0;
    let main = null;
    let subs = 0;
    const close = () => {
      if (!main) return;
      let out = main.querySelector('[data-subs]');
      if (!out) {
        out = document.createElement('small');
        out.setAttribute('data-subs', '');
        main.querySelector('[data-points]').after(out);
      }
      out.textContent = `${form.dataset.subsLabel || ''}${fmt(subs)}`;
    };
    for (const tr of body.querySelectorAll('tr[data-row]')) {
      const level = tr.querySelector('[data-level]').value;
      tr.dataset.level = level;
      const p = parse(tr.querySelector('[data-points]').value);
      if (level === 'main') {
        close();
        main = tr;
        subs = 0;
        if (!Number.isNaN(p)) mains += p;
      } else if (!Number.isNaN(p)) {
        subs += p;
      }
      if (level !== 'main') { const s = tr.querySelector('[data-subs]'); if (s) s.remove(); }
    }
    close();
    mainsOut.textContent = fmt(mains);
    if (totalIn) totalOut.textContent = totalIn.value;
  };

  let next = 0;
  body.querySelectorAll('tr[data-row] .row-no').forEach((th) => { next = Math.max(next, Number(th.textContent) || 0); });
  add.addEventListener('click', (ev) => {
    ev.preventDefault();
    next += 1;
    body.insertAdjacentHTML('beforeend', tpl.innerHTML.replaceAll('__N__', String(next)));
    renumber();
    body.lastElementChild.querySelector('input').focus();
    totals();
  });
  body.addEventListener('click', (ev) => {
    const btn = ev.target.closest('[data-remove-row]');
    if (!btn) return;
    ev.preventDefault();
    const tr = btn.closest('tr');
    const after = tr.nextElementSibling || tr.previousElementSibling;
    tr.remove();
    renumber();
    (after ? after.querySelector('[data-remove-row]') : add).focus();
    totals();
  });
  form.addEventListener('input', totals);
  form.addEventListener('change', totals);
  totals();
})();
