/** pulumi-ultravox/emulator: a local stand-in for the Ultravox SIP API, for tests and demos. */
export type { Clock, ClockTimer } from "../core/clock";
export { startEmulator } from "./server";
export type {
    Emulator,
    EmulatorAccount,
    EmulatorFault,
    EmulatorOptions,
    EmulatorRegistration,
    EmulatorSipConfig,
    EmulatorSipOptions,
    RecordedRequest,
} from "./types";
