/**
 * The two doors to one lifecycle, for tests that drive the same steps through both: the
 * dynamic-provider plugin (TypeScript's resource, its provider serialized by the SDK) and the
 * `ultravox` plugin, each configured with its own emulator's URL and the test key, as the engine
 * configures them (stack config for the first, provider arguments for the second).
 */
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { getConsumer } from "./consumer";
import { account, TEST_API_KEY } from "./fixtures";
import {
    type Plugin,
    type Props,
    type SerializeOptions,
    serializedProvider,
    startPackageProvider,
    startPlugin,
} from "./plugin";

export interface Door {
    name: "dynamic" | "plugin";
    emulator: Emulator;
    plugin: Plugin;
    urn: string;
    /** The program's inputs as this door's SDK sends them. */
    inputs(given: Props): Props;
}

/**
 * Both doors for the resource `type` (`SipConfig`, `SipRegistration`), named `name`. `serialize`
 * says what the SDK serializes for the dynamic door; `wrap` makes the plugin door's inputs as its
 * SDKs send them (secrets in envelopes).
 */
export async function startDoors(
    type: "SipConfig" | "SipRegistration",
    name: string,
    serialize: SerializeOptions,
    wrap: (given: Props) => Props,
): Promise<{ dynamic: Door; packaged: Door }> {
    const consumer = await getConsumer();
    const serialized = await serializedProvider(consumer, serialize);
    const dynamicEmulator = await startEmulator({ account: account() });
    const dynamicPlugin = await startPlugin(consumer);
    await dynamicPlugin.configure(
        { "ultravox:apiKey": TEST_API_KEY, "ultravox:baseUrl": dynamicEmulator.url },
        { secretKeys: ["ultravox:apiKey"] },
    );
    const packageEmulator = await startEmulator({ account: account() });
    const packagePlugin = await startPackageProvider();
    await packagePlugin.configure({ apiKey: TEST_API_KEY, baseUrl: packageEmulator.url }, { secretKeys: ["apiKey"] });
    return {
        dynamic: {
            name: "dynamic",
            emulator: dynamicEmulator,
            plugin: dynamicPlugin,
            urn: `urn:pulumi:dev::proj::pulumi-nodejs:dynamic/ultravox:${type}::${name}`,
            inputs: (given) => ({ __provider: serialized.text, ...given }),
        },
        packaged: {
            name: "plugin",
            emulator: packageEmulator,
            plugin: packagePlugin,
            urn: `urn:pulumi:dev::proj::ultravox:index:${type}::${name}`,
            inputs: wrap,
        },
    };
}

/** Stops both doors' plugins and emulators; what each plugin printed, to search for secrets. */
export async function stopDoors(doors: readonly (Door | undefined)[]): Promise<string[]> {
    const printed: string[] = [];
    for (const door of doors) {
        if (!door) continue;
        const output = await door.plugin.stop();
        await door.emulator.close();
        printed.push(`${output.stdout}${output.stderr}`);
    }
    return printed;
}
