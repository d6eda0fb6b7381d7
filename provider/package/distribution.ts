/**
 * Where the package is published, derived from one setting, package.json's `repository`: the Go
 * SDK's module path (the repository's folder that holds go.mod, as the go command fetches a
 * module from a subfolder) and the default plugin download URL (the repository's release assets).
 * A release (`npm run release -- --plugin-url <url>`) names its own URL; the bundle of the
 * self-contained plugin carries it, as the SDKs generated with it do.
 */

interface Manifest {
    name: string;
    version: string;
    homepage?: string;
    license?: string;
    repository?: string | { type?: string; url?: string };
}

const manifest = require("../../package.json") as Manifest;

/** The plugin's version: the npm package's, so an SDK and the plugin it asks for agree. */
export const PACKAGE_VERSION: string = manifest.version;

/** The npm package: the Node.js SDK of the package (the schema's language.nodejs.packageName). */
export const NPM_PACKAGE_NAME: string = manifest.name;

/** The package's home page and license, as npm shows them; the schema and the SDKs repeat them. */
export const HOMEPAGE: string = manifest.homepage ?? `${repositoryUrl()}#readme`;
export const LICENSE: string = manifest.license ?? "Apache-2.0";

/** The logo in the repository that the Pulumi Registry shows: its file, and its address on the default branch. */
export const LOGO_FILE = "docs/images/logo.svg";
export function logoUrl(repository: Manifest["repository"] = manifest.repository): string {
    const [, owner, name] = repositoryPath(repository).split("/");
    return `https://raw.githubusercontent.com/${owner}/${name}/HEAD/${LOGO_FILE}`;
}

/** Who publishes the package: the repository's owner. */
export function publisher(repository: Manifest["repository"] = manifest.repository): string {
    return repositoryPath(repository).split("/")[1] ?? "";
}

/** The Go SDK's folder in the repository (the fixed layout: provider/package/sdk/go). */
export const GO_SDK_FOLDER = "provider/package/sdk/go";

/**
 * `github.com/<owner>/<name>` from package.json's `repository` (`git+https://github.com/o/n.git`,
 * `https://github.com/o/n`, `github:o/n` or `o/n`): only GitHub, whose release assets serve the
 * plugin, and only names the go command takes as a module path.
 */
export function repositoryPath(repository: Manifest["repository"]): string {
    const url = typeof repository === "string" ? repository : repository?.url;
    if (typeof url !== "string")
        throw new Error(
            "package.json has no repository: it names the GitHub repository the release is published from.",
        );
    const match =
        /^(?:git\+)?(?:https:\/\/github\.com\/|github:|git@github\.com:)?([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100}?)(?:\.git)?\/?$/.exec(
            url,
        );
    if (!match)
        throw new Error(
            `package.json's repository ${JSON.stringify(url)} is not a GitHub repository (https://github.com/<owner>/<name>).`,
        );
    return `github.com/${match[1]?.toLowerCase()}/${match[2]?.toLowerCase()}`;
}

/** The repository's web address, for the schema and the SDKs' metadata. */
export function repositoryUrl(repository: Manifest["repository"] = manifest.repository): string {
    return `https://${repositoryPath(repository)}`;
}

/** The Go SDK's module path: `github.com/<owner>/<name>/provider/package/sdk/go`. */
export function goModulePath(repository: Manifest["repository"] = manifest.repository): string {
    return `${repositoryPath(repository)}/${GO_SDK_FOLDER}`;
}

/**
 * The repository's release assets of each version: the engine puts the version it wants in place
 * of `${VERSION}` and fetches `<url>/pulumi-resource-ultravox-v<version>-<os>-<arch>.tar.gz`.
 */
export function releasePluginDownloadUrl(repository: Manifest["repository"] = manifest.repository): string {
    return `https://${repositoryPath(repository)}/releases/download/v\${VERSION}`;
}

// Replaced by the self-contained plugin's bundle (esbuild's define) with the release's URL.
declare const __ULTRAVOX_PLUGIN_DOWNLOAD_URL__: string | undefined;

/** Where the engine downloads the plugin from: the release's URL in its bundle, else the repository's. */
export const PLUGIN_DOWNLOAD_URL: string =
    typeof __ULTRAVOX_PLUGIN_DOWNLOAD_URL__ === "string"
        ? __ULTRAVOX_PLUGIN_DOWNLOAD_URL__
        : releasePluginDownloadUrl();
