import { AppRouter } from '@/app/router';

// App-wide providers (session, query cache) wrap the router here as the features arrive.
export function App() {
  return <AppRouter />;
}
