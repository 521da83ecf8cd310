/**
 * A browser, as far as the provider's cookies go: fetch with a cookie jar (name, path, value) and redirects
 * followed by hand, so a server test can walk an authorization request through WRSAuth's login prompt. The
 * relying party around it is openid-client.
 */
interface StoredCookie {
  name: string;
  path: string;
  value: string;
}

const pathMatches = (requestPath: string, cookiePath: string) =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) &&
    (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));

export class CookieBrowser {
  private readonly jar = new Map<string, StoredCookie>();

  constructor(private readonly origin: string) {}

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers = new Headers(init.headers);
    if (target.origin === new URL(this.origin).origin) {
      const cookie = [...this.jar.values()]
        .filter((stored) => pathMatches(target.pathname, stored.path))
        .map((stored) => `${stored.name}=${stored.value}`)
        .join('; ');
      if (cookie) headers.set('cookie', cookie);
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  /**
   * Follows the server's redirects (GET) until one leaves the server's origin or stops: answers the last
   * response and the URL it ended at (the relying party's redirect_uri with its query, or a page here).
   */
  async navigate(url: string | URL): Promise<{ response: Response; url: URL }> {
    let current = new URL(url, this.origin);
    for (let hops = 0; hops < 10; hops += 1) {
      const response = await this.fetch(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      current = new URL(location, current);
      if (current.origin !== new URL(this.origin).origin) return { response, url: current };
    }
    throw new Error('too many redirects');
  }

  /** Cookies by name, for tests that hand one browser's cookie to another. */
  cookie(name: string): StoredCookie | undefined {
    return [...this.jar.values()].find((stored) => stored.name === name);
  }

  /** Every cookie held, whatever its path, as one Cookie header: for a fuzzer that sends them anywhere. */
  cookieHeader(): string {
    return [...this.jar.values()].map((stored) => `${stored.name}=${stored.value}`).join('; ');
  }

  setCookie(cookie: StoredCookie): void {
    this.jar.set(`${cookie.name};${cookie.path}`, cookie);
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const split = pair.indexOf('=');
    const name = pair.slice(0, split);
    const value = pair.slice(split + 1);
    let path = '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', raw = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = raw;
      if (key.toLowerCase() === 'expires' && Date.parse(raw) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(raw) <= 0) expired = true;
    }
    const key = `${name};${path}`;
    if (expired) this.jar.delete(key);
    else this.jar.set(key, { name, path, value });
  }
}
