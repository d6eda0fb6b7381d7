/** pulumi-ultravox/testing: mocks of an Ultravox account for a stack's unit tests (`pulumi.runtime.setMocks`). */
export type { EmulatorAccount, EmulatorSipConfig } from "../emulator/types";
export { type MockUltravox, type MockUltravoxOptions, mockUltravox } from "./mockUltravox";
