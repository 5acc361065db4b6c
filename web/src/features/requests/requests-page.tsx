import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { RequestDetailPage } from './request-detail-page.tsx';
import { RequestsInbox } from './requests-inbox.tsx';

/** "Requests", at `/requests`: the inbox, and each request's page at `/requests/:id`. */
export function RequestsPage() {
  return (
    <Routes>
      <Route index element={<RequestsInbox />} />
      <Route path=":id" element={<RequestDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
