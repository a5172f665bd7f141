import { OdooError } from './errors.ts';
import { post, describeUnexpected } from './http-transport.ts';
import { ServiceCallDriver, type DriverOptions } from './protocol.ts';
import type { XmlRpcValue } from './xml-rpc-codec.ts';
import { redact } from '../hub/redact.ts';

/** `/xmlrpc/2/<service>` answers integer fault codes; legacy `/xmlrpc/<service>` answers strings. */
export const XMLRPC_PATH = '/xmlrpc/2/';

/** Fault codes of /xmlrpc/2 (odoo addons/rpc/controllers/xmlrpc.py, RPC_FAULT_CODE_*). */
export const FAULT_APPLICATION_ERROR = 1;
export const FAULT_WARNING = 2;
export const FAULT_ACCESS_DENIED = 3;
export const FAULT_ACCESS_ERROR = 4;

/** The codec is parsing code the POS rarely needs: it loads on the first XML-RPC call only. */
const loadCodec = () => import('./xml-rpc-codec.ts');

export class XmlRpcDriver extends ServiceCallDriver {
  constructor(private readonly options: DriverOptions) {
    super();
  }

  protected async call(service: 'common' | 'object' | 'db', method: string, params: unknown[]): Promise<unknown> {
    const codec = await loadCodec();
    let body: string;
    try {
      body = codec.encodeCall(method, params as XmlRpcValue[]);
    } catch (error) {
      throw new OdooError('user-error', `cannot send these values over XML-RPC: ${(error as Error).message}`);
    }
    const answer = await post(`${this.options.base}${XMLRPC_PATH}${service}`, body, { 'Content-Type': 'text/xml' }, this.options);
    let decoded;
    try {
      decoded = codec.decodeResponse(answer.text);
    } catch (error) {
      const kind = answer.status === 404 ? 'not-found' : answer.status >= 500 ? 'server-error' : 'bad-answer';
      const detail = /^\s*</.test(answer.text) && !/<html|<!doctype/i.test(answer.text) ? `: ${(error as Error).message}` : '';
      throw new OdooError(kind, `${describeUnexpected(answer, 'an XML-RPC answer')}${detail}`, { status: answer.status });
    }
    if (decoded.kind === 'fault') throw faultError(decoded.fault.faultCode, decoded.fault.faultString);
    return decoded.value;
  }
}

/**
 * Code 2 covers UserError and its kin (ValidationError, MissingError share it): only the text
 * tells them apart, so they stay user errors. Code 1 is everything else, its string a traceback.
 */
export function faultError(code: number | string, text: string): OdooError {
  const message = redact(code === FAULT_APPLICATION_ERROR ? lastLine(text) : text);
  const details = { faultCode: code, debug: code === FAULT_APPLICATION_ERROR ? redact(text) : undefined };
  switch (code) {
    case FAULT_ACCESS_DENIED:
    case 'AccessDenied':
      return new OdooError('access-denied', message, details);
    case FAULT_ACCESS_ERROR:
      return new OdooError('access-rights', message, details);
    case FAULT_WARNING:
      return new OdooError('user-error', message, details);
    default:
      return new OdooError('server-error', message, details);
  }
}

/** A Python traceback ends with "ExceptionName: message". */
function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] || text;
}
