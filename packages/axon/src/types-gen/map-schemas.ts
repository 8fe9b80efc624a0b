/** A JSON Schema object (a boolean schema is left as it is by the walk). */
export type Schema = Record<string, unknown>;

// Keywords whose value is a schema, an array of schemas, or a map of name → schema (JSON Schema
// 2020-12 and draft 7, what pydantic emits). Nothing else is walked: `default`, `enum`, `const`
// and `examples` hold data, where a key named `$ref` or `title` means nothing.
const SCHEMA = ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"];
const SCHEMA_ARRAYS = ["anyOf", "oneOf", "allOf", "prefixItems", "items"];
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/**
 * Applies `change` to `schema` and every schema inside it (bottom-up), returning copies;
 * `isDefinition` is true for the schema itself and for `$defs` entries (the named models).
 */
export function mapSchemas(
  schema: Schema,
  change: (schema: Schema, isDefinition: boolean) => Schema,
): Schema {
  const walk = (node: unknown, isDefinition: boolean): unknown => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
    const copy: Schema = { ...(node as Schema) };
    for (const key of SCHEMA) {
      if (key in copy && !Array.isArray(copy[key])) copy[key] = walk(copy[key], false);
    }
    for (const key of SCHEMA_ARRAYS) {
      const value = copy[key];
      if (Array.isArray(value)) copy[key] = value.map((item) => walk(item, false));
    }
    for (const key of SCHEMA_MAPS) {
      const value = copy[key];
      if (value === null || typeof value !== "object") continue;
      const definitions = key === "$defs" || key === "definitions";
      copy[key] = Object.fromEntries(
        Object.entries(value as Schema).map(([name, item]) => [name, walk(item, definitions)]),
      );
    }
    return change(copy, isDefinition);
  };
  return walk(schema, true) as Schema;
}
