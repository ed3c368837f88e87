// Progressive enhancement only: every page works without this file.
'use strict';
document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('[data-confirm]');
  if (btn && !window.confirm(btn.dataset.confirm)) ev.preventDefault();
});
// Submit the language form as soon as a language is chosen.
document.querySelectorAll('form.lang select').forEach((sel) => {
  sel.addEventListener('change', () => sel.form.submit());
});
