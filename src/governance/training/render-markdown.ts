import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const allowedTags = [
  'h1', 'h2', 'h3', 'h4', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'blockquote', 'a', 'hr', 'br',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
];

/**
 * Markdown to HTML that is safe to insert in the console: rendered by `marked`, then reduced by `sanitize-html` to
 * plain formatting tags (no scripts, styles, images, iframes or event attributes; links only http(s) and mailto,
 * opened without referrer).
 *
 * @example
 * renderMarkdown('**72 hours** <script>x</script>'); // '<p><strong>72 hours</strong> </p>\n'
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true });
  return sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: { a: ['href', 'title', 'rel', 'target'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
  });
}
