/** pulumi-ultravox/emulator: a local stand-in for the Ultravox SIP API, for tests and demos. */
export {
    type Emulator,
    type EmulatorAccount,
    type EmulatorFault,
    type EmulatorOptions,
    type EmulatorSipConfig,
    type RecordedRequest,
    startEmulator,
} from "./server";
