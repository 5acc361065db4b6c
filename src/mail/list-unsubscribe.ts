/**
 * RFC 8058 one-click unsubscribe headers for an email sent to one person: `List-Unsubscribe` with the person's opaque
 * HTTPS link and `List-Unsubscribe-Post`, which tells mail clients that a POST of `List-Unsubscribe=One-Click` to that
 * link unsubscribes at once.
 *
 * @example
 * await mailer.send({ to, subject, text, headers: listUnsubscribeHeaders('https://crm.example.com/u/abc.def') });
 */
export function listUnsubscribeHeaders(unsubscribeUrl: string): Readonly<Record<string, string>> {
  if (!/^https?:\/\/[^\s<>]+$/.test(unsubscribeUrl)) throw new Error('The unsubscribe link must be an http(s) URL');
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
