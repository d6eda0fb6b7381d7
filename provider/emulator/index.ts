/** pulumi-ultravox/emulator: a local stand-in for the Ultravox SIP API, for tests and demos. */
export { startEmulator } from "./server";
export type {
    Emulator,
    EmulatorAccount,
    EmulatorFault,
    EmulatorOptions,
    EmulatorSipConfig,
    RecordedRequest,
} from "./types";
