/**
 * The admin token, kept in this tab's sessionStorage: asked once, sent as the bearer of every API
 * call, gone when the tab closes or the operator signs out. Never put in a URL.
 */
const KEY = 'herald.webhooks.adminToken';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
