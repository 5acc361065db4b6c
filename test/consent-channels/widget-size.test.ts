import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWidgetAsset, widgetGzipBudgetBytes, widgetSourcePath } from '../../src/consent/widget/widget-asset.ts';

describe('the embeddable widget', () => {
  it('stays under 15 kB gzipped, measured on the file served', () => {
    const widget = loadWidgetAsset();
    expect(widget.gzipped.length).toBe(gzipSync(fs.readFileSync(widgetSourcePath), { level: 9 }).length);
    expect(widget.gzipped.length).toBeLessThan(widgetGzipBudgetBytes);
  });

  it('is ES2019 without dependencies: no import, no innerHTML (text only, so no markup injection)', () => {
    const source = fs.readFileSync(widgetSourcePath, 'utf8');
    expect(source).not.toMatch(/\bimport\b|\brequire\(/);
    expect(source).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
    expect(source).toMatch(/aria-live/);
  });
});
