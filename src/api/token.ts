const TOKEN_STORAGE_KEY = 'audio-board.token';

/**
 * Returns the board token: taken from `?token=` once (then removed from the address bar so it
 * does not end up in screenshots or history), and remembered in localStorage afterwards.
 */
export function boardToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    localStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return localStorage.getItem(TOKEN_STORAGE_KEY);
}
