/**
 * The schemas, loaded on first use from one module (validation.ts, bundled with the part of zod
 * it uses). A module of its own so that the client's declarations (published) never name the
 * schema's zod types.
 */
import type * as RegistrationSchemaModule from "./registrationSchema";
import type * as SchemaModule from "./schema";

export function loadSchema(): typeof SchemaModule {
    return require("./validation") as typeof SchemaModule;
}

export function loadRegistrationSchema(): typeof RegistrationSchemaModule {
    return require("./validation") as typeof RegistrationSchemaModule;
}
