/**
 * The gRPC and protobuf runtimes the SDK's stubs were generated for: resolved from @pulumi/pulumi
 * itself, so the plugin never meets a second copy. The self-contained plugin's bundle
 * (scripts/release/plugin.js) resolves this module's `sdkRequire` calls from the same folder.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as AnyTypes from "google-protobuf/google/protobuf/any_pb";
import type * as EmptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as StructTypes from "google-protobuf/google/protobuf/struct_pb";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
export const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
export const EmptyPb = sdkRequire("google-protobuf/google/protobuf/empty_pb") as typeof EmptyTypes;
export const StructPb = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof StructTypes;
export const AnyPb = sdkRequire("google-protobuf/google/protobuf/any_pb") as typeof AnyTypes;
