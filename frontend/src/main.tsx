import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { Client, endpoint } from './api/client';
import { SettingsApi } from './api/settings';
import { nodeFirstRun } from './firstRun';
import './styles.css';

void endpoint().then((ep) => {
  const client = new Client(ep);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App client={client} firstRun={nodeFirstRun(new SettingsApi(client))} />
    </StrictMode>,
  );
});
