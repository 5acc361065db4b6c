import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { ForgotPasswordPage } from '../features/auth/forgot-password-page.tsx';
import { ResetPasswordPage } from '../features/auth/reset-password-page.tsx';
import { navigation } from './navigation.ts';
import { NotFoundPage, RequirePermission, RequireSession, mfaEnrolmentPath } from './route-guards.tsx';

const MfaPage = lazy(async () => ({ default: (await import('../features/account/mfa-page.tsx')).MfaPage }));

/** Every address of the console: the signed-out pages, then the registry's pages inside the signed-in frame. */
export function ConsoleRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route element={<RequireSession />}>
        {navigation.map((item) => (
          <Route
            key={item.path}
            // A page below its own path (`/people/:id`) mounts its sub-routes itself.
            path={item.path === '/' ? item.path : `${item.path}/*`}
            element={
              <RequirePermission permission={item.permission}>
                <item.page />
              </RequirePermission>
            }
          />
        ))}
        <Route path={mfaEnrolmentPath} element={<MfaPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
