import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/src/app.js";
import type { TestDatabase } from "./support/databases.js";
import { startSeededApp } from "./support/app.js";
import { graphql } from "./support/graphql.js";

/** Enums published before the naming decision (docs/decisions/0005-enum-values.md): their values never change. */
const PUBLISHED_ENUMS = { Role: ["Student", "Instructor", "Staff"], RoomEventKind: ["MessageAdded", "MessageDeleted"] };
const squash = (word: string) => word.replace(/_/g, "").toLowerCase();

describe("the schema as a client's tools see it (introspection)", () => {
  let app: App;
  let db: TestDatabase;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    ({ app, db } = await startSeededApp());
    const result = await graphql<IntrospectionQuery>(app.url, getIntrospectionQuery());
    if (!result.data) throw new Error(result.raw);
    schema = buildClientSchema(result.data);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const ourTypes = () =>
    Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith("__") && !(isScalarType(t) && isSpecifiedScalarType(t)));

  it("describes every type, root type, field, argument, input field and enum value", () => {
    const missing: string[] = [];
    for (const type of ourTypes()) {
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of "args" in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it("names an enum's values in its fields' descriptions as the server sends them", () => {
    const misspelt: string[] = [];
    for (const type of ourTypes()) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const values = isEnumType(named) ? named.getValues().map((v) => v.name) : [];
        for (const word of field.description?.match(/\b[A-Za-z_]+\b/g) ?? []) {
          const meant = values.find((v) => squash(v) === squash(word));
          if (meant && meant !== word) misspelt.push(`${type.name}.${field.name}: "${word}" is sent as ${meant}`);
        }
      }
    }
    expect(misspelt).toEqual([]);
  });

  it("keeps the published enums' values (and their spelling for what they gain), and spells every newer enum's values UPPER_CASE", () => {
    for (const type of ourTypes().filter(isEnumType)) {
      const values = type.getValues().map((v) => v.name);
      const published = PUBLISHED_ENUMS[type.name as keyof typeof PUBLISHED_ENUMS];
      if (published) {
        // What was published stays; what the enum gains follows its own (published) spelling.
        expect(values, type.name).toEqual(expect.arrayContaining(published));
        for (const value of values) expect(value, type.name).toMatch(/^[A-Z][a-zA-Z0-9]*$/);
      } else for (const value of values) expect(value, type.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});
