import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Unmount what each test rendered (Vitest runs without globals, so RTL cannot hook itself).
afterEach(() => cleanup());
