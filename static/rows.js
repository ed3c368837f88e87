// Rows added and removed in place (the movement form's metric rows). Without
// this file the "More rows" and "Remove" buttons post the form, and the
// server sends it back as typed with more blank rows or without that row.
'use strict';
(() => {
  const renumber = (body) => {
    body.querySelectorAll('tr[data-row]').forEach((tr, i) => {
      tr.querySelector('.row-no').textContent = String(i + 1);
      tr.querySelectorAll('[data-row-label]').forEach((s) => {
        s.textContent = s.textContent.replace(/\d+$/, String(i + 1));
      });
      const sr = tr.querySelector('[data-remove-row] .sr');
      if (sr) sr.textContent = sr.textContent.replace(/\d+$/, String(i + 1));
    });
  };

  for (const form of document.querySelectorAll('form')) {
    const body = form.querySelector('tbody[data-rows]');
    const tpl = form.querySelector('template#metric-row-template');
    const add = form.querySelector('[data-add-row]');
    if (!body || !tpl || !add) continue;
    // new rows take ids after every id used so far, so ids stay unique
    let next = 0;
    body.querySelectorAll('tr[data-row] .row-no').forEach((th) => { next = Math.max(next, Number(th.textContent) || 0); });

    add.addEventListener('click', (ev) => {
      ev.preventDefault();
      next += 1;
      const html = tpl.innerHTML.replaceAll('__N__', String(next));
      body.insertAdjacentHTML('beforeend', html);
      renumber(body);
      body.lastElementChild.querySelector('input').focus();
    });

    body.addEventListener('click', (ev) => {
      const btn = ev.target.closest('[data-remove-row]');
      if (!btn) return;
      ev.preventDefault();
      const tr = btn.closest('tr');
      const after = tr.nextElementSibling || tr.previousElementSibling;
      tr.remove();
      renumber(body);
      // focus stays in the table: the next row's remove button, or "More rows"
      (after ? after.querySelector('[data-remove-row]') : add).focus();
    });
  }
})();
