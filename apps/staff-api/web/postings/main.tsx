import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './postings.css';
import { PostingsPage } from './postings-page';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PostingsPage />
  </StrictMode>,
);
