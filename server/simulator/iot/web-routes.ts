import { randomBytes } from 'node:crypto';
import { sendText, type Route } from '../http-app.ts';
import type { IotSimulator } from './simulator.ts';

/** `/web/login?db=` (binds the session cookie to a database) and the database selector it redirects to. */
export function webRoutes(sim: IotSimulator): Route {
  return async (req, res, url) => {
    if (url.pathname === '/web/login' && (req.method === 'GET' || req.method === 'HEAD')) {
      const asked = url.searchParams.get('db');
      const db = asked ?? (sim.databaseOf(req) ?? null);
      // http.py `ensure_db`: a database the filter does not let through sends the browser to the selector.
      if (!db || db !== sim.identity.dbName) {
        res.writeHead(303, { Location: '/web/database/selector', 'Content-Length': 0 });
        res.end();
        return true;
      }
      const { session, setCookie } = sim.sessions.ensure(req);
      session.db = db;
      const html = loginPage(sessionInfo(sim, false));
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), ...(setCookie ? { 'Set-Cookie': setCookie } : {}) });
      res.end(req.method === 'HEAD' ? undefined : html);
      return true;
    }
    if (url.pathname === '/web/database/selector') {
      sendText(res, 200, `<!doctype html><title>Odoo</title><p>Select a database: <a href="/web/login?db=${encodeURIComponent(sim.identity.dbName)}">${sim.identity.dbName}</a></p>`, 'text/html; charset=utf-8');
      return true;
    }
    return false;
  };
}

/** The frontend session info embedded in /web/login (the bus module adds `websocket_worker_version`). */
export function sessionInfo(sim: IotSimulator, loggedIn: boolean): Record<string, unknown> {
  const [major, minor] = sim.identity.serverSerie.split('.').map(Number);
  return {
    is_admin: loggedIn,
    is_public: !loggedIn,
    server_version: sim.identity.serverSerie,
    server_version_info: [major, minor, 0, 'final', 0, ''],
    websocket_worker_version: sim.identity.workerVersion,
    lang: 'en_US',
  };
}

function loginPage(info: Record<string, unknown>): string {
  const csrf = randomBytes(20).toString('hex');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Login | Odoo</title>
<script id="web.layout.odooscript">var odoo = {"csrf_token": "${csrf}", "debug": "", "login_url": "/web/login"};</script>
<script>odoo.__session_info__ = ${JSON.stringify(info).replace(/</g, '\\u003c')};</script>
</head><body><form method="post" action="/web/login"><input name="login"><input name="password" type="password"><button>Log in</button></form></body></html>`;
}
