import { useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router-dom';
import { AppLayout } from '@/app/layout/app-layout';
import { ApplicationsRoute } from '@/app/routes/applications';
import { NotFoundRoute } from '@/app/routes/not-found';
import { OpsRoute } from '@/app/routes/ops';
import { ProfileRoute } from '@/app/routes/profile';
import { ReaderRoute } from '@/app/routes/reader';
import { ReadersRoute } from '@/app/routes/readers';
import { ReadingRoomRoute } from '@/app/routes/reading-room';
import { RouteError } from '@/app/routes/route-error';
import { SignInRoute } from '@/app/routes/sign-in';
import { SignUpRoute } from '@/app/routes/sign-up';

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    // Only reached if the layout itself fails, so it brings its own main landmark.
    errorElement: (
      <main id="main" className="px-4 py-16">
        <RouteError />
      </main>
    ),
    children: [
      {
        // A failing page keeps the header and navigation around its error message.
        errorElement: <RouteError />,
        children: [
          // One address for the readers list, so the nav link can mark it as the current page.
          { index: true, element: <Navigate to="/readers" replace /> },
          { path: 'readers', element: <ReadersRoute /> },
          { path: 'readers/:readerId', element: <ReaderRoute /> },
          { path: 'sign-in', element: <SignInRoute /> },
          { path: 'sign-up', element: <SignUpRoute /> },
          { path: 'readings/:readingId', element: <ReadingRoomRoute /> },
          { path: 'profile', element: <ProfileRoute /> },
          { path: 'ops', element: <OpsRoute /> },
          { path: 'ops/applications', element: <ApplicationsRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];

export function AppRouter() {
  const [router] = useState(() => createBrowserRouter(routes));
  return <RouterProvider router={router} />;
}
