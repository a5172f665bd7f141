/**
 * Typed errors of the Odoo clients. Every protocol (JSON-RPC, XML-RPC, JSON-2) maps its own way
 * of failing onto these kinds, so callers branch on `kind`, never on wire details.
 * Messages never contain secrets: callers pass text through `redact` before it gets here.
 */
export type OdooErrorKind =
  | 'access-denied'
  | 'access-rights'
  | 'user-error'
  | 'validation'
  | 'missing-record'
  | 'not-found'
  | 'session-expired'
  | 'server-error'
  | 'network'
  | 'same-origin'
  | 'timeout'
  | 'bad-answer'
  | 'inactive'
  | 'pool-timeout'
  | 'pool-closed';

export interface OdooErrorDetails {
  /** The server's exception name (JSON `data.name`, JSON-2 `name`), when it gave one. */
  serverName?: string;
  /** XML-RPC `faultCode`. */
  faultCode?: number | string;
  /** HTTP status, when one came back. */
  status?: number;
  /** The server's traceback or debug text, kept for logs only. */
  debug?: string;
}

export class OdooError extends Error {
  readonly kind: OdooErrorKind;
  readonly details: OdooErrorDetails;

  constructor(kind: OdooErrorKind, message: string, details: OdooErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
    // comlink carries `name` and `message` across the worker boundary: keep the kind readable there.
    this.name = `OdooError[${kind}]`;
  }
}

export function isOdooError(error: unknown, kind?: OdooErrorKind): error is OdooError {
  return error instanceof OdooError && (kind === undefined || error.kind === kind);
}

/** What a person reads: the kind in plain words, then the server's own message. */
export function describeOdooError(error: unknown): string {
  if (!(error instanceof OdooError)) return error instanceof Error ? error.message : String(error);
  const lead = PLAIN_WORDS[error.kind];
  return error.message && error.message !== lead ? `${lead}: ${error.message}` : lead;
}

const PLAIN_WORDS: Record<OdooErrorKind, string> = {
  'access-denied': 'Access denied (wrong login, password or API key)',
  'access-rights': 'The user lacks the access rights for this operation',
  'user-error': 'Odoo refused the operation',
  validation: 'Odoo refused the values',
  'missing-record': 'The record does not exist (any more)',
  'not-found': 'Not found on the server',
  'session-expired': 'The session expired',
  'server-error': 'Odoo had an internal error',
  network: 'The server could not be reached',
  'same-origin': "Blocked by the browser's same-origin rule",
  timeout: 'The server did not answer in time',
  'bad-answer': 'The server gave an answer that is not a valid Odoo answer',
  inactive: 'The connection is not active',
  'pool-timeout': 'No free connection',
  'pool-closed': 'The connection was closed',
};

/** Odoo's exception names (odoo/exceptions.py, odoo/http.py) mapped to kinds. */
const SERVER_NAMES: Record<string, OdooErrorKind> = {
  'odoo.exceptions.AccessDenied': 'access-denied',
  'odoo.exceptions.AccessError': 'access-rights',
  'odoo.exceptions.UserError': 'user-error',
  'odoo.exceptions.RedirectWarning': 'user-error',
  'odoo.exceptions.ValidationError': 'validation',
  'odoo.exceptions.MissingError': 'missing-record',
  'odoo.http.SessionExpiredException': 'session-expired',
  'werkzeug.exceptions.NotFound': 'not-found',
  'werkzeug.exceptions.UnprocessableEntity': 'user-error',
  'werkzeug.exceptions.BadRequest': 'user-error',
  'werkzeug.exceptions.Unauthorized': 'access-denied',
};

export function kindOfServerName(name: string | undefined): OdooErrorKind {
  return (name && SERVER_NAMES[name]) || 'server-error';
}

/** The fix for the same-origin rule, said once so every protocol says it the same way. */
export const SAME_ORIGIN_FIX =
  "the browser sent nothing because Odoo's RPC routes only answer pages served from Odoo's own origin. " +
  'Serve the hub from the Odoo origin (behind the same reverse proxy as Odoo) or start the hub\'s local server with --odoo <this server>, ' +
  'and point the connection at that server';
