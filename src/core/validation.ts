/**
 * The rule every validator of content files shares: a field the schema does not know is an
 * error, never ignored. A misspelt key (`floor` for `floors`) would otherwise leave out the
 * part it meant to add without a word: a framework scored without its floors, an indicator
 * without its threshold.
 */

/** A key of an object that its schema does not know, with what to tell the user. */
export interface UnknownField {
  key: string;
  /** `unknown field (expected one of a, b, c)`. */
  message: string;
}

/**
 * The keys of `obj` not in `allowed`, in the object's order. Each validator places `key` in
 * its own path style (`groups[0].wieght`, `countries[3] (id "rus"): colour`).
 */
export function unknownFields(obj: object, allowed: readonly string[]): UnknownField[] {
  const message = `unknown field (expected one of ${allowed.join(', ')})`;
  return Object.keys(obj)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({ key, message }));
}
