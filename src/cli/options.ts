import { InvalidArgumentError, Option } from 'commander';
import { FORMATS } from './output.js';

/** `--format`, limited to `choices` (default: table, json, csv), default `table`. */
export function formatOption(choices: readonly string[] = FORMATS): Option {
  return new Option('--format <format>', 'output format').choices(choices).default('table');
}

/** A parser for a whole-number option or argument; `name` is used in the error message. */
export function wholeNumber(name: string): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) {
      throw new InvalidArgumentError(`${name} must be a whole number`);
    }
    return Number(value);
  };
}
