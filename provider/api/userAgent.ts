/** What every request to the API says it is: the package and its version (package.json's). */
export const USER_AGENT: string = `pulumi-ultravox/${(require("../../package.json") as { version: string }).version}`;
