import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app/console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/api-client.ts';
import { ConsoleApp } from './app/console-app.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ConsoleApp client={createApiClient()} />
  </StrictMode>,
);
