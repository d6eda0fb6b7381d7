/**
 * The package's internal modules, for unit tests of pure logic. Loaded from the same dist/
 * files the public entry uses, so classes such as UltravoxError are the same objects.
 */
import * as path from "node:path";

const distDir = path.resolve(__dirname, "../../../dist");

export const cidr = require(path.join(distDir, "cidr")) as typeof import("../../dist/cidr");
export const schema = require(path.join(distDir, "schema")) as typeof import("../../dist/schema");
export const settings = require(path.join(distDir, "settings")) as typeof import("../../dist/settings");
export const clientModule = require(path.join(distDir, "client")) as typeof import("../../dist/client");
export const REPO_ROOT = path.resolve(__dirname, "../../..");
