import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/route-guards.tsx';
import { DealBoardPage } from './deal-board-page.tsx';
import { DealPage } from './deal-page.tsx';
import { DealsListPage } from './deals-list-page.tsx';

/** The deals pages: the board at `/deals`, the list at `/deals/list`, a deal at `/deals/:id`. */
export function DealsPage() {
  return (
    <Routes>
      <Route index element={<DealBoardPage />} />
      <Route path="list" element={<DealsListPage />} />
      <Route path=":id" element={<DealPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
