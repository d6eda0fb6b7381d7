/**
 * Every schema of the API in one module, which the build bundles with the part of zod it uses
 * (scripts/bundle-validation.js): loaded on first use (loadSchema.ts), in ~10 ms where zod's own
 * module tree took 50-100 ms. Unbundled (tsc alone) it works the same, only slower to load.
 */
export * from "./registrationSchema";
export * from "./schema";
