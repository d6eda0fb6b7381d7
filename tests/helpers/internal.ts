/**
 * The package's internal modules, for unit tests of pure logic. Loaded from the same dist/
 * files the public entry uses, so classes such as UltravoxError are the same objects.
 */
import * as path from "node:path";
import { DIST_DIR as distDir } from "./repo";

export const cidr = require(path.join(distDir, "core/cidr")) as typeof import("../../dist/core/cidr");
/** The schemas as the client loads them: the bundle (zod inside), not tsc's module of the same source. */
export const schema = require(path.join(distDir, "api/validation")) as typeof import("../../dist/api/schema");
export const settings = require(path.join(distDir, "api/settings")) as typeof import("../../dist/api/settings");
export const retry = require(path.join(distDir, "api/retry")) as typeof import("../../dist/api/retry");
export const clientModule = require(path.join(distDir, "api/client")) as typeof import("../../dist/api/client");
export const cliMain = require(path.join(distDir, "cli/main")) as typeof import("../../dist/cli/main");
export const packageSettings = require(
    path.join(distDir, "package/settings"),
) as typeof import("../../dist/package/settings");
/** The lifecycles both doors call: driven directly, in memory, against an emulator. */
export const registrationLifecycle = require(
    path.join(distDir, "lifecycle/sipRegistration"),
) as typeof import("../../dist/lifecycle/sipRegistration");
export const sipConfigLifecycle = require(
    path.join(distDir, "lifecycle/sipConfig"),
) as typeof import("../../dist/lifecycle/sipConfig");
export const packageSchema = require(
    path.join(distDir, "package/schema"),
) as typeof import("../../dist/package/schema");
export const sipDigest = require(
    path.join(distDir, "emulator/sip/digest"),
) as typeof import("../../dist/emulator/sip/digest");
export const sipMessage = require(
    path.join(distDir, "emulator/sip/message"),
) as typeof import("../../dist/emulator/sip/message");
export const sipTarget = require(
    path.join(distDir, "emulator/sip/target"),
) as typeof import("../../dist/emulator/sip/target");
