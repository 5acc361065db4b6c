import sanitizeHtml from 'sanitize-html';

/** The formatting an activity body may keep; everything else is dropped (its text kept, except in script/style). */
const options: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'a', 'h3', 'h4'],
  // rel and target are set by the transform below, whatever the client sent.
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
  transformTags: {
    // Links open outside the console and tell the target nothing.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
  },
};

/**
 * Sanitises the rich-text body of an activity with a strict allow-list: paragraphs, emphasis, lists, quotes, code,
 * small headings and http(s)/mailto links. Scripts, styles, event handlers, `javascript:` and `data:` URLs and every
 * other tag or attribute are removed. Idempotent.
 *
 * @example
 * sanitizeActivityBody('<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>'); // '<p>Hi <b>there</b></p>'
 */
export function sanitizeActivityBody(html: string): string {
  return sanitizeHtml(html, options).trim();
}
