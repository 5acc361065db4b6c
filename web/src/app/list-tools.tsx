import { lazy, Suspense, type ComponentProps } from 'react';

const SavedViewsBar = lazy(async () => ({ default: (await import('../features/views/saved-views-bar.tsx')).SavedViewsBar }));
const ExportButton = lazy(async () => ({ default: (await import('../features/export/export-button.tsx')).ExportButton }));

/**
 * Saved views for a list page (features never import each other: list pages take it from here). Picking a view hands
 * its filters to `onApply`; saving stores the page's current filters.
 *
 * @example
 * <ListSavedViews entity="deal" filters={{ status }} onApply={(view) => setStatus(view.filters.status ?? null)} />
 */
export function ListSavedViews(props: ComponentProps<typeof SavedViewsBar>) {
  return (
    <Suspense fallback={null}>
      <SavedViewsBar {...props} />
    </Suspense>
  );
}

/**
 * The "Export" button of a list page: CSV or JSON of the list with its filters, purpose-checked and audited.
 *
 * @example
 * <ListExport entity="organization" filters={{ country: 'FR' }} />
 */
export function ListExport(props: ComponentProps<typeof ExportButton>) {
  return (
    <Suspense fallback={null}>
      <ExportButton {...props} />
    </Suspense>
  );
}
