/**
 * The simulator's in-memory ORM: models with records, the CRUD methods external clients call
 * (search, read, search_read, search_count, create, write, unlink) with Odoo's argument names
 * and results, domain evaluation, and per-model method hooks. The RPC routes (rpc/*) and the IoT
 * part call it; errors carry Odoo's exception names so each protocol can answer as Odoo does.
 */

export type FieldValue = unknown;
export type SimRecord = { id: number } & Record<string, FieldValue>;

/** An exception as Odoo raises it: `odooName` is what `data.name` / the fault code come from. */
export class OdooException extends Error {
  constructor(readonly odooName: string, message: string) {
    super(message);
    this.name = odooName;
  }
}

export const AccessDenied = (message = 'Access Denied') => new OdooException('odoo.exceptions.AccessDenied', message);
export const AccessError = (message: string) => new OdooException('odoo.exceptions.AccessError', message);
export const UserError = (message: string) => new OdooException('odoo.exceptions.UserError', message);
export const ValidationError = (message: string) => new OdooException('odoo.exceptions.ValidationError', message);
export const MissingError = (message: string) => new OdooException('odoo.exceptions.MissingError', message);
export const SessionExpired = (message = 'Session expired') => new OdooException('odoo.http.SessionExpiredException', message);
/** A Python error (TypeError, AttributeError...): an internal server error on every protocol. */
export const PythonError = (type: string, message: string) => new OdooException(`builtins.${type}`, message);

/** What a method hook receives. `ids` is the recordset (empty for model methods). */
export interface MethodCall {
  registry: ModelRegistry;
  model: SimModel;
  uid: number;
  ids: number[];
  /** Positional arguments after the ids (execute_kw); empty for JSON-2, which names everything. */
  args: unknown[];
  kwargs: Record<string, unknown>;
}

export interface MethodHook {
  /** `@api.model`: called without ids. Otherwise execute_kw's first positional argument is the ids. */
  model?: boolean;
  run(call: MethodCall): unknown;
}

export interface ModelDefinition {
  /** Field names and their default values (`id` is implicit). */
  fields: Record<string, FieldValue>;
  records?: Array<Record<string, FieldValue>>;
  methods?: Record<string, MethodHook>;
  /** Whether `create` / `write` / `unlink` are allowed from outside (AccessError otherwise). */
  readonly?: boolean;
}

/** The built-in ORM methods: how execute_kw's positional arguments map to names, and if the first is ids. */
const BUILTINS: Record<string, { ids: boolean; names: string[] }> = {
  search: { ids: false, names: ['domain', 'offset', 'limit', 'order'] },
  search_count: { ids: false, names: ['domain', 'limit'] },
  search_read: { ids: false, names: ['domain', 'fields', 'offset', 'limit', 'order'] },
  read: { ids: true, names: ['fields'] },
  create: { ids: false, names: ['vals_list'] },
  write: { ids: true, names: ['vals'] },
  unlink: { ids: true, names: [] },
};

export class SimModel {
  private readonly rows = new Map<number, SimRecord>();
  private nextId = 1;

  constructor(readonly name: string, readonly definition: ModelDefinition) {
    for (const values of definition.records ?? []) this.insert(values);
  }

  /** Adds a record directly (no access check): for the simulator's own setup and parts. */
  insert(values: Record<string, FieldValue>): SimRecord {
    const id = typeof values.id === 'number' ? values.id : this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const record: SimRecord = { ...this.definition.fields, ...values, id };
    this.rows.set(id, record);
    return record;
  }

  all(): SimRecord[] {
    return [...this.rows.values()];
  }

  get(id: number): SimRecord | undefined {
    return this.rows.get(id);
  }

  search(domain: unknown = [], { offset = 0, limit, order }: { offset?: unknown; limit?: unknown; order?: unknown } = {}): number[] {
    let found = this.all().filter((r) => matchDomain(r, domain));
    if (typeof order === 'string' && order.trim()) found = sortBy(found, order);
    const start = typeof offset === 'number' ? offset : 0;
    const end = typeof limit === 'number' && limit > 0 ? start + limit : undefined;
    return found.slice(start, end).map((r) => r.id);
  }

  searchCount(domain: unknown = [], limit?: unknown): number {
    const count = this.search(domain).length;
    return typeof limit === 'number' && limit > 0 ? Math.min(count, limit) : count;
  }

  read(ids: number[], fields?: unknown): Array<Record<string, FieldValue>> {
    const missing = ids.filter((id) => !this.rows.has(id));
    if (missing.length) throw MissingError(`Record does not exist or has been deleted.\n(Record: ${this.name}(${missing.join(', ')},), User: 2)`);
    const wanted = this.checkFields(fields);
    return ids.map((id) => {
      const row = this.rows.get(id)!;
      return Object.fromEntries([['id', id], ...wanted.filter((f) => f !== 'id').map((f) => [f, row[f] ?? false])]);
    });
  }

  create(valsList: Array<Record<string, FieldValue>>): number[] {
    return valsList.map((vals) => {
      this.checkFields(Object.keys(vals));
      const { id: _ignored, ...values } = vals;
      return this.insert(values).id;
    });
  }

  write(ids: number[], vals: Record<string, FieldValue>): true {
    this.checkFields(Object.keys(vals));
    this.read(ids, ['id']);
    for (const id of ids) Object.assign(this.rows.get(id)!, vals, { id });
    return true;
  }

  unlink(ids: number[]): true {
    this.read(ids, ['id']);
    for (const id of ids) this.rows.delete(id);
    return true;
  }

  private checkFields(fields: unknown): string[] {
    const known = ['id', ...Object.keys(this.definition.fields)];
    if (fields === undefined || fields === null || (Array.isArray(fields) && fields.length === 0)) return known;
    if (!Array.isArray(fields)) throw PythonError('TypeError', `fields must be a list of field names, not ${JSON.stringify(fields)}`);
    const unknown = fields.filter((f) => typeof f !== 'string' || !known.includes(f));
    if (unknown.length) throw ValueErrorInvalidField(this.name, String(unknown[0]));
    return fields as string[];
  }
}

/** Odoo 17+: "Invalid field 'x' on model 'y'" is a ValueError, i.e. an internal error. */
function ValueErrorInvalidField(model: string, field: string): OdooException {
  return PythonError('ValueError', `Invalid field '${field}' on model '${model}'`);
}

export interface CallOptions {
  uid: number;
  /** JSON-2 passes ids apart and every argument by name. */
  ids?: number[];
}

export class ModelRegistry {
  private readonly models = new Map<string, SimModel>();

  register(name: string, definition: ModelDefinition): SimModel {
    const model = new SimModel(name, definition);
    this.models.set(name, model);
    return model;
  }

  has(name: string): boolean {
    return this.models.has(name);
  }

  /** The model, or Odoo 19's UserError for an unknown one. */
  model(name: string): SimModel {
    const model = this.models.get(name);
    if (!model) throw UserError(`Object ${name} doesn't exist`);
    return model;
  }

  /** `execute_kw(db, uid, password, model, method, args, kwargs)` once the password was checked. */
  executeKw(uid: number, modelName: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const model = this.model(modelName);
    const hook = this.resolve(model, method);
    const takesIds = hook ? !hook.model : BUILTINS[method].ids;
    let ids: number[] = [];
    let rest = args;
    if (takesIds) {
      if (!isIds(args[0])) throw PythonError('TypeError', `${modelName}.${method}() needs a list of record ids as its first argument`);
      ids = args[0];
      rest = args.slice(1);
    }
    const result = hook ? hook.run({ registry: this, model, uid, ids, args: rest, kwargs }) : this.builtin(model, method, ids, named(method, rest, kwargs));
    // execute_kw of create with one dict answers one id (odoo/service/model.py).
    if (method === 'create' && !hook && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0])) return (result as number[])[0];
    return result;
  }

  /** `/json/2/<model>/<method>`: ids apart, the rest named; returns what the method returned. */
  callNamed(uid: number, modelName: string, method: string, ids: number[], kwargs: Record<string, unknown>): unknown {
    const model = this.model(modelName);
    const hook = this.resolve(model, method);
    if (hook) return hook.run({ registry: this, model, uid, ids, args: [], kwargs });
    const spec = BUILTINS[method];
    const unknown = Object.keys(kwargs).filter((k) => !spec.names.includes(k));
    if (unknown.length) throw PythonError('TypeError', `${method}() got an unexpected keyword argument '${unknown[0]}'`);
    return this.builtin(model, method, ids, kwargs);
  }

  private resolve(model: SimModel, method: string): MethodHook | null {
    if (method.startsWith('_')) throw AccessError(`Private methods (such as '${model.name}.${method}') cannot be called remotely.`);
    const hook = model.definition.methods?.[method];
    if (hook) return hook;
    if (!(method in BUILTINS)) throw PythonError('AttributeError', `The method '${model.name}.${method}' does not exist`);
    if (model.definition.readonly && (method === 'create' || method === 'write' || method === 'unlink')) {
      throw AccessError(`You are not allowed to modify '${model.name}' records.`);
    }
    return null;
  }

  private builtin(model: SimModel, method: string, ids: number[], p: Record<string, unknown>): unknown {
    switch (method) {
      case 'search':
        return model.search(p.domain, p);
      case 'search_count':
        return model.searchCount(p.domain, p.limit);
      case 'search_read':
        return model.read(model.search(p.domain ?? [], p), p.fields);
      case 'read':
        return model.read(ids, p.fields);
      case 'create': {
        const list = p.vals_list;
        const valsList = Array.isArray(list) ? list : [list];
        if (!valsList.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) throw PythonError('TypeError', 'create() needs a dict or a list of dicts');
        return model.create(valsList as Array<Record<string, unknown>>);
      }
      case 'write':
        if (p.vals === null || typeof p.vals !== 'object' || Array.isArray(p.vals)) throw PythonError('TypeError', 'write() needs a dict of values');
        return model.write(ids, p.vals as Record<string, unknown>);
      default:
        return model.unlink(ids);
    }
  }
}

function named(method: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const names = BUILTINS[method].names;
  if (args.length > names.length) throw PythonError('TypeError', `${method}() takes ${names.length} positional arguments but ${args.length} were given`);
  const out: Record<string, unknown> = {};
  args.forEach((value, i) => (out[names[i]] = value));
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === 'context') continue;
    if (!names.includes(key)) throw PythonError('TypeError', `${method}() got an unexpected keyword argument '${key}'`);
    if (key in out) throw PythonError('TypeError', `${method}() got multiple values for argument '${key}'`);
    out[key] = value;
  }
  return out;
}

function isIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v));
}

// ---------------------------------------------------------------- domains

/**
 * Odoo domains: leaves `[field, operator, value]` and prefix operators '&', '|', '!' (implicit '&'
 * between consecutive terms). Many2one values stored as `[id, name]` compare by id.
 */
export function matchDomain(record: SimRecord, domain: unknown): boolean {
  if (!Array.isArray(domain)) throw ValidationError(`Invalid domain: ${JSON.stringify(domain)?.slice(0, 80)}`);
  if (domain.length === 0) return true;
  let pos = 0;
  const term = (): boolean => {
    if (pos >= domain.length) throw ValidationError('Invalid domain: an operator lacks its operands');
    const item = domain[pos++];
    if (item === '&') return term() && term();
    if (item === '|') {
      const a = term();
      const b = term();
      return a || b;
    }
    if (item === '!') return !term();
    return matchLeaf(record, item);
  };
  let result = true;
  while (pos < domain.length) result = term() && result;
  return result;
}

function matchLeaf(record: SimRecord, leaf: unknown): boolean {
  if (leaf === true || (Array.isArray(leaf) && leaf.length === 3 && leaf[0] === 1 && leaf[2] === 1)) return true;
  if (leaf === false || (Array.isArray(leaf) && leaf.length === 3 && leaf[0] === 0 && leaf[2] === 1)) return false;
  if (!Array.isArray(leaf) || leaf.length !== 3 || typeof leaf[0] !== 'string' || typeof leaf[1] !== 'string') {
    throw ValidationError(`Invalid domain term ${JSON.stringify(leaf)?.slice(0, 80)}`);
  }
  const [field, operator, value] = leaf as [string, string, unknown];
  if (field !== 'id' && !(field in record)) throw PythonError('ValueError', `Invalid field '${field}' in domain term ${JSON.stringify(leaf)}`);
  const raw = record[field];
  const actual = Array.isArray(raw) && raw.length === 2 && typeof raw[0] === 'number' ? raw[0] : raw;
  const like = (pattern: unknown, exact: boolean, fold: boolean) => {
    if (pattern === false || pattern === null) return actual === false || actual === null;
    const text = String(actual ?? '');
    let p = String(pattern);
    if (!exact) return fold ? text.toLowerCase().includes(p.toLowerCase()) : text.includes(p);
    p = p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
    return new RegExp(`^${p}$`, fold ? 'is' : 's').test(text);
  };
  switch (operator) {
    case '=':
    case '==':
      return actual === value || (value === false && (actual === null || actual === undefined || actual === false));
    case '!=':
    case '<>':
      return !(actual === value || (value === false && (actual === null || actual === undefined || actual === false)));
    case 'in':
      return Array.isArray(value) && value.includes(actual);
    case 'not in':
      return Array.isArray(value) && !value.includes(actual);
    case '<':
      return (actual as number) < (value as number);
    case '>':
      return (actual as number) > (value as number);
    case '<=':
      return (actual as number) <= (value as number);
    case '>=':
      return (actual as number) >= (value as number);
    case 'like':
      return like(value, false, false);
    case 'ilike':
      return like(value, false, true);
    case 'not like':
      return !like(value, false, false);
    case 'not ilike':
      return !like(value, false, true);
    case '=like':
      return like(value, true, false);
    case '=ilike':
      return like(value, true, true);
    default:
      throw ValidationError(`Invalid domain operator '${operator}'`);
  }
}

function sortBy(records: SimRecord[], order: string): SimRecord[] {
  const keys = order.split(',').map((part) => {
    const [field, direction] = part.trim().split(/\s+/);
    return { field, sign: direction?.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return [...records].sort((a, b) => {
    for (const { field, sign } of keys) {
      const x = a[field] as string | number;
      const y = b[field] as string | number;
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return 0;
  });
}
