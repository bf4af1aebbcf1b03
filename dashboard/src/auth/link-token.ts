import { useSyncExternalStore } from 'react';

/**
 * The secret a mailed link carries in its fragment (`/password-reset#token=…`). Fragments
 * never reach the server's logs or a Referer header; the page sends the token in a POST body.
 */
export function linkToken(): string | null {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  return token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The link's token, following the fragment (a second link opened in the same tab changes only the hash). */
export function useLinkToken(): string | null {
  return useSyncExternalStore(subscribe, linkToken);
}
