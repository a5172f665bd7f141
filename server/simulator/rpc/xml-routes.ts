import { readBody, sendText, type Route } from '../http-app.ts';
import { OdooException, PythonError } from '../models.ts';
import { decodeCall, encodeFault, encodeResponse, type XmlRpcValue } from '../../../src/odoo/xml-rpc-codec.ts';
import { dispatchRpc } from './services.ts';
import { traceback } from './json-routes.ts';
import type { RpcState } from './state.ts';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const PREFIX = '/xmlrpc/2/';
const INT32_MAX = 2 ** 31 - 1;

/** Fault codes of /xmlrpc/2 (addons/rpc/controllers/xmlrpc.py xmlrpc_handle_exception_int). */
const FAULT_CODES: Record<string, number> = {
  'odoo.exceptions.RedirectWarning': 2,
  'odoo.exceptions.AccessError': 4,
  'odoo.exceptions.AccessDenied': 3,
  'odoo.exceptions.UserError': 2,
  'odoo.exceptions.ValidationError': 2,
  'odoo.exceptions.MissingError': 2,
};
const FAULT_APPLICATION_ERROR = 1;

/** `/xmlrpc/2/common`, `/xmlrpc/2/object`, `/xmlrpc/2/db`, answering with Odoo's marshalling. */
export function xmlRoutes(state: RpcState): Route {
  return async (req, res, url) => {
    if (!url.pathname.startsWith(PREFIX)) return false;
    if (req.method !== 'POST') {
      sendText(res, 405, 'Method Not Allowed');
      return true;
    }
    const service = url.pathname.slice(PREFIX.length);
    let xml: string;
    try {
      const { method, params } = decodeCall((await readBody(req, MAX_REQUEST_BYTES)).toString('utf8'));
      xml = encodeResponse(marshal(dispatchRpc(state, service, method, params)));
    } catch (error) {
      const odoo = error instanceof OdooException ? error : PythonError('xml.parsers.expat.ExpatError', (error as Error).message);
      const code = FAULT_CODES[odoo.odooName] ?? FAULT_APPLICATION_ERROR;
      xml = encodeFault({ faultCode: code, faultString: code === FAULT_APPLICATION_ERROR ? traceback(odoo) : odoo.message });
    }
    sendText(res, 200, xml, 'text/xml; charset=utf-8');
    return true;
  };
}

/**
 * Odoo's OdooMarshaller with allow_none=False: None cannot be sent (a method returning None is a
 * fault over XML-RPC), datetimes go out as "YYYY-MM-DD HH:MM:SS" strings, ints beyond 32 bits overflow.
 */
function marshal(value: unknown): XmlRpcValue {
  if (value === null || value === undefined) throw PythonError('TypeError', 'cannot marshal None unless allow_none is enabled');
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) > INT32_MAX) throw PythonError('OverflowError', 'int exceeds XML-RPC limits');
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (value instanceof Uint8Array || typeof value !== 'object') return value as XmlRpcValue;
  if (Array.isArray(value)) return value.map(marshal);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, marshal(v)]));
}
