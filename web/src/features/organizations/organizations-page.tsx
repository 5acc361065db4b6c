import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { OrganizationPage } from './organization-page.tsx';
import { OrganizationsListPage } from './organizations-list-page.tsx';

/** The organizations pages: the list at `/organizations` and one at `/organizations/:id`. */
export function OrganizationsPage() {
  return (
    <Routes>
      <Route index element={<OrganizationsListPage />} />
      <Route path=":id" element={<OrganizationPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
