import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelRegistry, matchDomain, OdooException } from '../../../server/simulator/models.ts';

const registry = new ModelRegistry();
registry.register('res.partner', {
  fields: { name: '', city: false, parent_id: false, score: 0 },
  records: [
    { name: 'Azure Interior', city: 'Fremont', score: 3 },
    { name: 'Deco Addict', city: 'Pleasant Hill', score: 9 },
    { name: 'Brandon Freeman', city: 'Fremont', parent_id: [1, 'Azure Interior'], score: 5 },
  ],
  methods: { double_score: { run: ({ model, ids }) => ids.map((id) => (model.get(id)!.score as number) * 2) } },
});

describe('simulator models', () => {
  it('evaluates prefix domains with &, |, ! and many2one values', () => {
    const search = (domain: unknown[]) => registry.executeKw(2, 'res.partner', 'search', [domain], {});
    assert.deepEqual(search([['city', '=', 'Fremont'], ['score', '>', 4]]), [3]);
    assert.deepEqual(search(['|', ['score', '>=', 9], ['parent_id', '=', 1]]), [2, 3]);
    assert.deepEqual(search(['!', ['city', '=', 'Fremont']]), [2]);
    assert.deepEqual(search([['name', 'ilike', 'DECO']]), [2]);
    assert.deepEqual(search([['parent_id', '=', false]]), [1, 2]);
    assert.deepEqual(search([['name', '=ilike', 'b%man']]), [3]);
  });

  it('search_read honours fields, order, offset and limit by position or by name', () => {
    assert.deepEqual(registry.executeKw(2, 'res.partner', 'search_read', [[], ['name']], { order: 'score desc', offset: 1, limit: 1 }), [{ id: 3, name: 'Brandon Freeman' }]);
    assert.deepEqual(registry.callNamed(2, 'res.partner', 'search_read', [], { domain: [['score', '<', 4]], fields: ['score'] }), [{ id: 1, score: 3 }]);
  });

  it('create answers one id for a dict and ids for a list, as execute_kw does', () => {
    const one = registry.executeKw(2, 'res.partner', 'create', [{ name: 'One' }], {});
    const many = registry.executeKw(2, 'res.partner', 'create', [[{ name: 'Two' }, { name: 'Three' }]], {});
    assert.equal(typeof one, 'number');
    assert.deepEqual(many, [(one as number) + 1, (one as number) + 2]);
  });

  it('method hooks get the ids of record methods', () => {
    assert.deepEqual(registry.executeKw(2, 'res.partner', 'double_score', [[1, 2]], {}), [6, 18]);
  });

  it('errors carry Odoo exception names', () => {
    const name = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as OdooException).odooName;
      }
      return 'no error';
    };
    assert.equal(name(() => registry.executeKw(2, 'nope', 'search', [[]], {})), 'odoo.exceptions.UserError');
    assert.equal(name(() => registry.executeKw(2, 'res.partner', 'read', [[999]], {})), 'odoo.exceptions.MissingError');
    assert.equal(name(() => registry.executeKw(2, 'res.partner', '_private', [], {})), 'odoo.exceptions.AccessError');
    assert.equal(name(() => registry.executeKw(2, 'res.partner', 'fly', [], {})), 'builtins.AttributeError');
    assert.equal(name(() => registry.executeKw(2, 'res.partner', 'search', [[], 0, 1, 'id', 'extra'], {})), 'builtins.TypeError');
    assert.equal(name(() => matchDomain({ id: 1 }, [['id', 'between', 1]])), 'odoo.exceptions.ValidationError');
    assert.equal(name(() => matchDomain({ id: 1 }, ['&', ['id', '=', 1]])), 'odoo.exceptions.ValidationError');
  });
});
