import { useEffect, useState } from 'react';

/**
 * Hash routes (`/console/#/listings/…`): every page has its own address that survives a reload and can
 * be sent to a colleague, and the server needs no fallback route.
 */
export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/review';
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onChange = (): void => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

/** `#/a/b` for the given path segments, each encoded (plates are Chinese). */
export function href(...segments: (string | number)[]): string {
  return `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

export function navigate(...segments: (string | number)[]): void {
  window.location.hash = href(...segments);
}

/** The decoded segments of a path, without its query. */
export function segmentsOf(path: string): string[] {
  return path
    .split('?')[0]!
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
