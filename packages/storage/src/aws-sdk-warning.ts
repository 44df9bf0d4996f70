/**
 * The AWS SDK's own switch for the one process warning it emits on Node versions below 22: a
 * seven-line `NodeVersionSupportWarning` that its releases after January 2027 need Node 22
 * (`emitWarningIfUnsupportedVersion` in `@aws-sdk/core` reads it). The root README says so once;
 * on the terminal of every `doctor` or demo run it is noise.
 */
export const AWS_SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Keeps the AWS SDK's Node version warning off the user's terminal, and only it: the SDK checks
 * the switch before it would warn, so every other process warning is still printed. A value the
 * user set (`false`, to see the warning) is left alone.
 */
export function quietAwsSdkNodeWarning(env: NodeJS.ProcessEnv): void {
  env[AWS_SDK_NODE_WARNING_SWITCH] ??= 'true';
}
