/** pulumi-ultravox/emulator: a local stand-in for the Ultravox SIP API, for tests and demos. */
export type { EmulatorFault } from "./faults";
export {
    type Emulator,
    type EmulatorAccount,
    type EmulatorOptions,
    type EmulatorSipConfig,
    type RecordedRequest,
    startEmulator,
} from "./server";
