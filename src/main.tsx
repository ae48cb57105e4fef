import { createRoot } from 'react-dom/client';
import { loadRootElement } from '@/app/root-element';
import './index.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no element with id "root" to render the app into');

createRoot(container).render(await loadRootElement(import.meta.env));
