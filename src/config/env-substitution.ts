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

export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  unset: UnsetVariable[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, escaped: string | undefined, name: string, fallback: string | undefined) => {
      if (escaped) return whole.slice(1);
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      unset.push({ path, variable: name });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, unset, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, unset, [...path, key])]),
    );
  }
  return value;
}
