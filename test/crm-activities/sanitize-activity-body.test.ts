import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeActivityBody } from '../../src/crm/activities/sanitize-activity-body.ts';

/** Pieces of hostile and ordinary markup, glued together at random. */
const fragment = fc.constantFrom(
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="  JaVaScRiPt:alert(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="https://example.com/ok">ok</a>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<iframe src="https://evil.example"></iframe>',
  '<b onclick="x()">bold</b>',
  '<p>para</p>',
  '<ul><li>item</li></ul>',
  '<em>em</em>',
  '<',
  '>',
  '"',
  "'",
  '<!-- comment -->',
  '<style>body{display:none}</style>',
  'plain text ',
);
const html = fc.array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((parts) => parts.join(''));

describe('sanitizeActivityBody', () => {
  it('never lets scripts, event handlers, styles or javascript:/data: URLs through, and is idempotent', () => {
    fc.assert(
      fc.property(html, (input) => {
        const out = sanitizeActivityBody(input);
        expect(out).not.toMatch(/<\s*(script|iframe|svg|img|style)/i);
        expect(out).not.toMatch(/\son[a-z]+\s*=/i);
        expect(out).not.toMatch(/style\s*=/i);
        expect(out).not.toMatch(/href\s*=\s*"\s*(javascript|data):/i);
        expect(sanitizeActivityBody(out)).toBe(out);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the allowed formatting and safe links', () => {
    const input = '<h3>Agenda</h3><p>Talked about <strong>price</strong> and <em>timing</em>.</p><ol><li>one</li></ol><blockquote>quote</blockquote><a href="mailto:a@example.com">mail</a>';
    expect(sanitizeActivityBody(input)).toBe(
      '<h3>Agenda</h3><p>Talked about <strong>price</strong> and <em>timing</em>.</p><ol><li>one</li></ol><blockquote>quote</blockquote><a href="mailto:a@example.com" rel="noopener noreferrer nofollow" target="_blank">mail</a>',
    );
  });
});
