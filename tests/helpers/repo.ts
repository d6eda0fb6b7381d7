/** Where the repository and its build output are, for tests compiled to .build/tests/. */
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../../..");

/** The compiled package (`npm run build`), which the tests load as users do. */
export const DIST_DIR = path.join(REPO_ROOT, "dist");
