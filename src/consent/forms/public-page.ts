/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapeHtml('<b>"Ann" & co</b>'); // '&lt;b&gt;&quot;Ann&quot; &amp; co&lt;/b&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const style = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1b1e;background:#f8f9fa;margin:0}
main{max-width:36rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;border:1px solid #dee2e6}
h1{font-size:1.5rem;margin-top:0}label{display:block;font-weight:600;margin-top:1rem}
input[type=email],input[type=text],input[type=tel]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #868e96;border-radius:4px;font-size:1rem}
fieldset{border:0;padding:0;margin:1rem 0}.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin-top:.5rem}
.check input{margin-top:.35rem}button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem;border:0;border-radius:4px;background:#1864ab;color:#fff;cursor:pointer}
button.secondary{background:#495057}:focus-visible{outline:3px solid #f59f00;outline-offset:2px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.notice{color:#495057}
table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{text-align:left;padding:.35rem;border-bottom:1px solid #dee2e6;font-size:.9rem}
.error{color:#c92a2a}`;

/**
 * A complete, accessible HTML page for a public consent channel (no script, the server's CSP applies).
 *
 * @example
 * reply.type('text/html').send(renderPublicPage({ title: 'Confirmed', language: 'en', body: '<p>Thank you.</p>' }));
 */
export function renderPublicPage(page: { readonly title: string; readonly language: string; readonly body: string }): string {
  return `<!doctype html>
<html lang="${escapeHtml(page.language)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(page.title)}</title><style>${style}</style></head>
<body><main><h1>${escapeHtml(page.title)}</h1>
${page.body}
</main></body></html>`;
}
