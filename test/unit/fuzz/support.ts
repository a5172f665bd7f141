import assert from 'node:assert/strict';
import fc from 'fast-check';

/** Every parser of outside input gets at least this many cases (issue 7). */
export const RUNS = 10_000;
/** A hang shows as this test's timeout, never as a timing assertion. */
export const HANG_GUARD = { timeout: 30_000 };

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `parse`; a throw must be one of `errors` with a message that says something. Anything else
 * (a TypeError from deep inside, a RangeError, a string thrown) fails the property.
 */
export function parsesOrRefuses<T>(parse: () => T, ...errors: ErrorClass[]): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    assertTyped(error, errors);
    return { ok: false, error: error as Error };
  }
}

export async function parsesOrRefusesAsync<T>(parse: () => Promise<T>, ...errors: ErrorClass[]): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await parse() };
  } catch (error) {
    assertTyped(error, errors);
    return { ok: false, error: error as Error };
  }
}

function assertTyped(error: unknown, errors: ErrorClass[]): void {
  assert.ok(errors.some((E) => error instanceof E), `untyped error: ${(error as Error)?.name}: ${(error as Error)?.message}`);
  assert.ok((error as Error).message.length > 0, 'the error says what was wrong');
}

/** Random text, JSON-looking text, and JSON values of every shape. */
export const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

/** Any JSON value, with the shapes an attacker would try (deep, wrong types, huge numbers). */
export const jsonValue = fc.jsonValue({ maxDepth: 4 });

export const bytes = (maxLength = 96) => fc.uint8Array({ maxLength });

export const hex = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength });
