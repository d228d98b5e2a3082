/**
 * `${VAR}` in any string value of a config file is replaced by the environment variable, so
 * secrets stay out of the files. `${VAR:-fallback}` gives a default; `$${` is a literal `${`.
 * Substitution runs on parsed values, so a secret with YAML-special characters cannot break a file.
 */
const REFERENCE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface UnsetVariable {
  readonly path: (string | number)[];
  readonly variable: string;
}

/** A variable's value put into the file: a secret, maybe, which no config message may quote. */
export interface SubstitutedValue {
  readonly variable: string;
  readonly value: string;
}

export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  unset: UnsetVariable[],
  path: (string | number)[] = [],
  used: SubstitutedValue[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, escaped: string | undefined, name: string, fallback: string | undefined) => {
      if (escaped) return whole.slice(1);
      const found = env[name];
      if (found !== undefined && found !== '') {
        used.push({ variable: name, value: found });
        return found;
      }
      if (fallback !== undefined) return fallback;
      unset.push({ path, variable: name });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, unset, [...path, index], used));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, unset, [...path, key], used)]),
    );
  }
  return value;
}

// Shorter values (a port, a flag) would garble messages where they happen to occur, and are no secrets.
const MIN_HIDDEN_LENGTH = 4;

/**
 * `message` with every substituted value written as its `${VARIABLE}` again: a config message
 * quotes what it found ("… is not a duration"), and what it found may be a secret put in the
 * wrong place.
 */
export function hideSubstituted(message: string, used: readonly SubstitutedValue[]): string {
  let hidden = message;
  for (const { variable, value } of [...used].sort((a, b) => b.value.length - a.value.length)) {
    if (value.length >= MIN_HIDDEN_LENGTH) hidden = hidden.split(value).join(`\${${variable}}`);
  }
  return hidden;
}
