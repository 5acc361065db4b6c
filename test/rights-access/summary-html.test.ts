import { describe, expect, it } from 'vitest';
import { summaryHtml } from '../../src/rights/access/summary-html.ts';
import { summaryLanguageOf } from '../../src/rights/access/summary-texts.ts';

describe('access export summary', () => {
  it('picks the primary subtag when supported, else English', () => {
    expect(summaryLanguageOf('fr-CH')).toBe('fr');
    expect(summaryLanguageOf('DE_at')).toBe('de');
    expect(summaryLanguageOf('pt-BR')).toBe('en');
    expect(summaryLanguageOf('')).toBe('en');
  });

  it('escapes every value, explains each part in the language, and shows only the first records of a long part', () => {
    const html = summaryHtml({
      kind: 'access',
      language: 'de',
      generatedAt: '2026-03-02T10:00:00.000Z',
      flaggedCount: 1,
      sections: [
        {
          key: 'person',
          items: [{ notes: '<script>alert(1)</script>', 'address.city': 'Zürich & "Basel"' }],
        },
        { key: 'activities', items: Array.from({ length: 60 }, (_, i) => ({ subject: `Anruf ${i}` })) },
        { key: 'loyalty_cards', items: [] },
      ],
    });
    expect(html).toContain('<html lang="de">');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Zürich &amp; &quot;Basel&quot;');
    expect(html).toContain('Ihre Angaben');
    expect(html).toContain('Anruf 49');
    expect(html).not.toContain('Anruf 50');
    expect(html).toContain('vollständige Liste');
    expect(html).toContain('unser Team prüft sie');
    // A section another feature registered, without texts: its key and a generic explanation.
    expect(html).toContain('loyalty_cards');
    expect(html).toContain('Wir speichern nichts dieser Art über Sie.');
  });
});
