import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { CertificatePage } from './certificate-page.tsx';
import { CertificatesPage } from './certificates-page.tsx';

/** Erasure: the certificates at `/erasure`, one certificate at `/erasure/:id`. */
export function ErasurePage() {
  return (
    <Routes>
      <Route index element={<CertificatesPage />} />
      <Route path=":id" element={<CertificatePage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
