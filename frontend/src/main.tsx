import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { Client, endpoint } from './api/client';
import './styles.css';

void endpoint().then((ep) => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App client={new Client(ep)} />
    </StrictMode>,
  );
});
