/*
 * Custodian consent widget (hand-written ES2019, no dependencies; see docs/adr/0018).
 * <script src="https://crm.example.com/widget.js" data-form="FORM-ID" async></script>
 * Renders the form where the script stands (or into the element named by data-target), posts it to the public API.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var formId = script.getAttribute('data-form') || '';
  var base = new URL(script.src, location.href).origin;
  var api = base + '/api/v1/public/forms/' + encodeURIComponent(formId);
  var host = document.getElementById(script.getAttribute('data-target') || '');
  if (!host) {
    host = document.createElement('div');
    script.parentNode.insertBefore(host, script.nextSibling);
  }
  var prefix = 'cst-' + formId.slice(0, 8) + '-';

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function say(region, text, isError) {
    region.setAttribute('role', isError ? 'alert' : 'status');
    region.textContent = text;
  }

  function render(def) {
    var form = el('form', { novalidate: '', 'aria-labelledby': prefix + 'title', class: 'custodian-form' });
    var live = el('div', { 'aria-live': 'polite', class: 'custodian-message' });
    form.appendChild(el('h2', { id: prefix + 'title' }, def.title));
    if (def.introduction) form.appendChild(el('p', {}, def.introduction));
    var inputs = {};
    def.fields.forEach(function (f) {
      var id = prefix + f.name;
      var label = el('label', { for: id }, f.label + (f.required ? ' *' : ''));
      var input = el('input', {
        id: id,
        name: f.name,
        type: f.name === 'email' ? 'email' : f.name === 'phone' ? 'tel' : 'text',
        autocomplete: { email: 'email', firstName: 'given-name', lastName: 'family-name', phone: 'tel' }[f.name],
        maxlength: '254',
      });
      if (f.required) input.setAttribute('aria-required', 'true');
      inputs[f.name] = { input: input, field: f };
      var row = el('div', { class: 'custodian-field' });
      row.appendChild(label);
      row.appendChild(input);
      form.appendChild(row);
    });
    var set = el('fieldset');
    set.appendChild(el('legend', {}, def.purposes.length > 1 ? 'Choose what you agree to' : 'Your consent'));
    var boxes = def.purposes.map(function (p, i) {
      var id = prefix + 'p' + i;
      var label = el('label', { for: id });
      var box = el('input', { id: id, type: 'checkbox', name: 'purposes', value: p.key });
      var link = el('a', { href: p.noticeUrl, target: '_blank', rel: 'noopener' }, p.noticeTitle);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + p.label + ' ('));
      label.appendChild(link);
      label.appendChild(document.createTextNode(')'));
      set.appendChild(el('div', { class: 'custodian-check' })).appendChild(label);
      return box;
    });
    form.appendChild(set);
    var trap = el('div', { 'aria-hidden': 'true', style: 'position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden' });
    var honeypot = el('input', { type: 'text', name: def.honeypot, tabindex: '-1', autocomplete: 'off' });
    trap.appendChild(honeypot);
    form.appendChild(trap);
    var button = el('button', { type: 'submit' }, def.submitLabel);
    form.appendChild(button);
    form.appendChild(live);

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var body = { purposes: [], homepage: honeypot.value, pageUrl: location.origin + location.pathname };
      var firstBad = null;
      Object.keys(inputs).forEach(function (name) {
        var entry = inputs[name];
        var value = entry.input.value.trim();
        var bad = (entry.field.required && !value) || (name === 'email' && value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value));
        entry.input.setAttribute('aria-invalid', bad ? 'true' : 'false');
        if (bad && !firstBad) firstBad = entry;
        if (value) body[name] = value;
      });
      boxes.forEach(function (box) {
        if (box.checked) body.purposes.push(box.value);
      });
      if (firstBad) {
        say(live, firstBad.field.label + ': please fill this in correctly.', true);
        firstBad.input.focus();
        return;
      }
      if (body.purposes.length === 0) {
        say(live, 'Tick at least one box to agree; nothing is recorded otherwise.', true);
        boxes[0].focus();
        return;
      }
      button.disabled = true;
      say(live, 'Sending…', false);
      fetch(api + '/submissions', {
        method: 'POST',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      })
        .then(function (res) {
          return res.json().then(function (data) {
            return { ok: res.ok, status: res.status, data: data };
          });
        })
        .then(function (r) {
          if (!r.ok) throw r;
          form.replaceWith(live);
          live.setAttribute('tabindex', '-1');
          say(live, r.data.message, false);
          live.focus();
        })
        .catch(function (r) {
          button.disabled = false;
          var detail = r && r.data && (r.data.status === 429 ? 'Too many attempts: try again in a minute.' : r.data.detail || r.data.title);
          say(live, detail || 'Sending failed. Please try again.', true);
        });
    });
    host.textContent = '';
    host.appendChild(form);
  }

  fetch(api, { credentials: 'omit', headers: { Accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(render)
    .catch(function () {
      host.textContent = 'The form could not be loaded.';
    });
})();
