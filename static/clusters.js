// Clusters (progressive enhancement): the running total of a scorecard while
// the points are typed, in the page's number format (vi: 1.234,5; en, hi:
// 1,234.5). Score and bonus points add, penalty points subtract; the server
// computes the same total when the card is saved.
'use strict';
(function () {
  const form = document.getElementById('scorecard');
  const out = document.getElementById('running-total');
  if (!form || !out) return;
  const lang = form.dataset.lang || 'vi';
  const comma = lang === 'vi';
  function parse(text) {
    let t = (text || '').trim().replace(/\s/g, '');
    if (!t) return 0;
    t = comma ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
    const v = Number(t);
    return Number.isFinite(v) ? v : NaN;
  }
  function show(v) {
    const fixed = Math.round(v * 100) / 100;
    return new Intl.NumberFormat(comma ? 'vi-VN' : 'en-US', { maximumFractionDigits: 2 }).format(fixed);
  }
  function update() {
    let total = 0;
    let bad = false;
    for (const input of form.querySelectorAll('input.points')) {
      const v = parse(input.value);
      const max = Number(input.dataset.max) / 100;
      const wrong = Number.isNaN(v) || v < 0 || v > max;
      input.setAttribute('aria-invalid', wrong ? 'true' : 'false');
      if (wrong) { bad = true; continue; }
      total += input.dataset.kind === 'penalty' ? -v : v;
    }
    out.textContent = show(total) + (bad ? ' *' : '');
  }
  form.addEventListener('input', (ev) => { if (ev.target.matches('input.points')) update(); });
  update();
})();
