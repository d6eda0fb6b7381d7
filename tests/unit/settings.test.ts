import { expect } from "chai";
import { UltravoxError } from "pulumi-ultravox";
import { settings } from "../helpers/internal";

const { resolveSettings, validateBaseUrl } = settings;

function configOf(values: Record<string, string>): (key: string) => string | undefined {
    return (key) => values[key];
}

function thrown(run: () => unknown): UltravoxError {
    try {
        run();
    } catch (error) {
        expect(error).to.be.instanceOf(UltravoxError);
        return error as UltravoxError;
    }
    throw new Error("expected an UltravoxError");
}

describe("settings: where the key and base URL come from", () => {
    const all = {
        args: { apiKey: "arg-key-1234", baseUrl: "https://args.example.com" },
        config: configOf({ "ultravox:apiKey": "config-key-1234", "ultravox:baseUrl": "https://config.example.com" }),
        env: { ULTRAVOX_API_KEY: "env-key-1234", ULTRAVOX_BASE_URL: "https://env.example.com" },
    };

    it("prefers explicit args over stack config over environment", () => {
        expect(resolveSettings(all)).to.deep.equal({ apiKey: "arg-key-1234", baseUrl: "https://args.example.com" });
        expect(resolveSettings({ ...all, args: {} })).to.deep.equal({
            apiKey: "config-key-1234",
            baseUrl: "https://config.example.com",
        });
        expect(resolveSettings({ ...all, args: {}, config: configOf({}) })).to.deep.equal({
            apiKey: "env-key-1234",
            baseUrl: "https://env.example.com",
        });
    });

    it("resolves the key and the base URL independently", () => {
        const mixed = resolveSettings({
            args: { baseUrl: "http://127.0.0.1:9999" },
            config: configOf({ "ultravox:apiKey": "config-key-1234" }),
            env: { ULTRAVOX_BASE_URL: "https://env.example.com" },
        });
        expect(mixed).to.deep.equal({ apiKey: "config-key-1234", baseUrl: "http://127.0.0.1:9999" });
    });

    it("defaults the base URL to https://api.ultravox.ai", () => {
        expect(resolveSettings({ env: { ULTRAVOX_API_KEY: "env-key-1234" } })).to.deep.equal({
            apiKey: "env-key-1234",
            baseUrl: "https://api.ultravox.ai",
        });
    });

    it("treats empty strings as absent", () => {
        const resolved = resolveSettings({
            args: { apiKey: "", baseUrl: " " },
            config: configOf({ "ultravox:apiKey": "" }),
            env: { ULTRAVOX_API_KEY: "env-key-1234", ULTRAVOX_BASE_URL: "" },
        });
        expect(resolved).to.deep.equal({ apiKey: "env-key-1234", baseUrl: "https://api.ultravox.ai" });
    });

    it("fails with a clear config error naming every place a program reads the key from", () => {
        const error = thrown(() => resolveSettings({ args: { apiKey: undefined }, config: configOf({}), env: {} }));
        expect(error.code).to.equal("config");
        expect(error.message).to.equal(
            "No Ultravox API key found: set it with `pulumi config set --secret ultravox:apiKey <key>`, pass the `apiKey` argument or export ULTRAVOX_API_KEY.",
        );
    });

    it("names only the places its caller has: no stack config and no apiKey argument for the CLI", () => {
        const cli = { args: { baseUrl: undefined }, env: {}, baseUrlArgument: "--base-url" };
        expect(thrown(() => resolveSettings(cli)).message).to.equal(
            "No Ultravox API key found: export ULTRAVOX_API_KEY.",
        );
        const badUrl = thrown(() =>
            resolveSettings({ ...cli, args: { baseUrl: "not a url" }, env: { ULTRAVOX_API_KEY: "k" } }),
        );
        expect(badUrl.message).to.equal(
            "The Ultravox base URL is not a URL (it is not echoed, in case a key was put there by mistake); set --base-url or ULTRAVOX_BASE_URL to something like https://api.ultravox.ai.",
        );
        const program = thrown(() =>
            resolveSettings({ args: { baseUrl: "nope" }, config: configOf({}), env: { ULTRAVOX_API_KEY: "k" } }),
        );
        expect(program.message).to.contain("set the `baseUrl` argument, `ultravox:baseUrl` or ULTRAVOX_BASE_URL to");
    });
});

describe("settings: base URL validation", () => {
    it("accepts https anywhere and http to loopback only", () => {
        expect(validateBaseUrl("https://api.ultravox.ai/")).to.equal("https://api.ultravox.ai");
        expect(validateBaseUrl("https://proxy.example.com/ultravox/")).to.equal("https://proxy.example.com/ultravox");
        for (const loopback of [
            "http://127.0.0.1:8787",
            "http://127.9.9.9",
            "http://localhost:1",
            "http://[::1]:8080",
        ]) {
            expect(validateBaseUrl(loopback)).to.equal(loopback.replace(/\/$/, ""));
        }
    });

    it("refuses http: off loopback, with a reason", () => {
        for (const url of [
            "http://api.ultravox.ai",
            "http://10.0.0.1:8080",
            "http://128.0.0.1",
            "http://localhost.evil.com",
        ]) {
            const error = thrown(() => validateBaseUrl(url));
            expect(error.code).to.equal("config");
            expect(error.message).to.contain("clear text");
        }
    });

    it("base URL edge cases: an empty ? or # is refused, as it would change the request path", () => {
        for (const url of [
            "https://api.ultravox.ai?",
            "https://api.ultravox.ai/#",
            "https://proxy.example.com/ultravox?",
            "https://proxy.example.com/ultravox?#",
            "http://127.0.0.1:8787/#",
        ]) {
            const error = thrown(() => validateBaseUrl(url));
            expect(error.code, url).to.equal("config");
            expect(error.message).to.equal(
                "The Ultravox base URL must not have a query or fragment; set `ultravox:baseUrl` or ULTRAVOX_BASE_URL to something like https://api.ultravox.ai.",
            );
        }
        // A "?" or "#" percent-encoded in the path is part of the path, not a query.
        expect(validateBaseUrl("https://proxy.example.com/a%3Fb%23c/")).to.equal("https://proxy.example.com/a%3Fb%23c");
    });

    it("base URL edge cases: *.localhost names are not loopback by name alone; only localhost and literal addresses are", () => {
        for (const url of [
            "http://api.localhost:8787",
            "http://a.b.localhost",
            "http://LOCALHOST.localhost",
            "http://localhost.:8787",
            "http://127.0.0.1.nip.io",
        ]) {
            const error = thrown(() => validateBaseUrl(url));
            expect(error.code, url).to.equal("config");
            expect(error.message).to.contain("clear text");
        }
        expect(validateBaseUrl("http://LocalHost:8787")).to.equal("http://localhost:8787");
        expect(validateBaseUrl("http://127.1:8787")).to.equal("http://127.0.0.1:8787");
        expect(settings.isLoopbackHost("localhost")).to.equal(true);
        expect(settings.isLoopbackHost("[::1]")).to.equal(true);
        expect(settings.isLoopbackHost("api.localhost")).to.equal(false);
        expect(settings.isLoopbackHost("localhost.")).to.equal(false);
    });

    it("refuses what is not a URL without echoing it", () => {
        const error = thrown(() => validateBaseUrl("abcdefgh.0123456789abcdef0123456789abcdef"));
        expect(error.code).to.equal("config");
        expect(error.message).to.not.contain("abcdefgh");
    });

    it("refuses other schemes, credentials in the URL, queries and fragments", () => {
        for (const url of [
            "ftp://api.ultravox.ai",
            "https://user:pw@api.ultravox.ai",
            "https://a.example.com/?k=1",
            "https://a.example.com/#x",
        ]) {
            expect(thrown(() => validateBaseUrl(url)).code).to.equal("config");
        }
        expect(thrown(() => validateBaseUrl("https://user:pw@api.ultravox.ai")).message).to.not.contain("pw@");
    });
});
