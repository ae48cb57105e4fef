import type { RouteObject } from 'react-router-dom';
import { AppLayout } from '@/components/layout/app-layout';
import { NotFoundRoute } from './routes/not-found';
import { ReadersRoute } from './routes/readers';
import { RouteError } from './routes/route-error';

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <ReadersRoute /> },
      { path: 'readers', element: <ReadersRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];
