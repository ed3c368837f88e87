// Progressive enhancement only: every page works without this file.
'use strict';
document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('[data-confirm]');
  if (btn && !window.confirm(btn.dataset.confirm)) ev.preventDefault();
});
