import { expect } from "chai";
import { UltravoxError, type UltravoxErrorCode } from "pulumi-ultravox";

/** The UltravoxError that `run` throws, checked to carry `code`. Fails the test if nothing is thrown. */
export function thrownBy(run: () => unknown, code: UltravoxErrorCode): UltravoxError {
    let caught: unknown;
    try {
        run();
    } catch (error) {
        caught = error;
    }
    expect(caught).to.be.instanceOf(UltravoxError);
    expect((caught as UltravoxError).code).to.equal(code);
    return caught as UltravoxError;
}

/** The UltravoxError that `promise` rejects with. Fails the test if it resolves, or rejects with anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<UltravoxError> {
    try {
        await promise;
    } catch (error) {
        expect(error).to.be.instanceOf(UltravoxError);
        return error as UltravoxError;
    }
    throw new Error("expected a failure");
}
