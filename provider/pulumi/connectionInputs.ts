import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionOptions } from "../api/settings";

/** `ConnectionOptions` as resource and invoke args take them: each field may be an Input. */
export type ConnectionInputs = {
    [Field in keyof ConnectionOptions]?: pulumi.Input<NonNullable<ConnectionOptions[Field]>>;
};
