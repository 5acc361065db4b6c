import { useState } from 'react';
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { PeopleListPage } from './people-list-page.tsx';
import { PersonPage } from './person-page.tsx';

/**
 * The people pages: the list at `/people` and a person at `/people/:id` (ids only in the address, never personal
 * data). The chosen purpose of processing is shared by both and kept in memory only.
 */
export function PeoplePage() {
  const [purpose, setPurpose] = useState<string | null>(null);
  return (
    <Routes>
      <Route index element={<PeopleListPage purpose={purpose} onPurposeChange={setPurpose} />} />
      <Route path=":id" element={<PersonPage purpose={purpose} onPurposeChange={setPurpose} />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
