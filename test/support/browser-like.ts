/**
 * What a page at `origin` gives the hub's code in a browser, for that code run in Node against a
 * real server: `fetch` of relative paths resolved against the origin with the origin's cookies
 * kept and sent (same-origin credentials), and a `WebSocket` that sends the origin, the cookies
 * and a browser's User-Agent (Odoo checks `?version=` only for clients with a User-Agent).
 */
import { WebSocket as NodeWebSocket, type ClientOptions } from 'ws';

const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) browser-iot-hub tests';

export class BrowserLike {
  private readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  readonly fetch: typeof fetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url, this.origin);
    const headers = new Headers(init.headers);
    if (url.origin === this.origin && this.cookies.size) headers.set('Cookie', this.cookieHeader());
    // The browser sends Origin on every POST; fetch in Node does not.
    if ((init.method ?? 'GET') !== 'GET' && url.origin === this.origin) headers.set('Origin', this.origin);
    const response = await fetch(url, { ...init, headers, credentials: undefined, redirect: 'manual' });
    if (url.origin === this.origin) for (const line of response.headers.getSetCookie()) this.keep(line);
    return response;
  };

  /** A WebSocket class for the hub's code: same constructor and events as the browser's. */
  get WebSocket(): typeof WebSocket {
    const page = this;
    class PageWebSocket extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        const options: ClientOptions = { headers: { Origin: page.origin, 'User-Agent': BROWSER_USER_AGENT, ...(page.cookies.size ? { Cookie: page.cookieHeader() } : {}) } };
        super(url, protocols ?? [], options);
      }
    }
    return PageWebSocket as unknown as typeof WebSocket;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private keep(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, pair.slice(eq + 1).trim());
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
