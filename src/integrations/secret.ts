import { inspect } from 'node:util';

/**
 * A credential from configuration. It prints, serialises and inspects as `[redacted]`, so a config
 * object, an error or a log line that carries one by accident never shows its value; only the
 * client code that signs or authenticates calls `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (value.length === 0) throw new Error('a secret must not be empty');
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
