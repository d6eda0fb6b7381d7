/**
 * The schema module, loaded on first use: zod costs ~90 ms at require time. A module of its own
 * so that the client's declarations (published) never name the schema's zod types.
 */
import type * as RegistrationSchemaModule from "./registrationSchema";
import type * as SchemaModule from "./schema";

export function loadSchema(): typeof SchemaModule {
    return require("./schema") as typeof SchemaModule;
}

export function loadRegistrationSchema(): typeof RegistrationSchemaModule {
    return require("./registrationSchema") as typeof RegistrationSchemaModule;
}
