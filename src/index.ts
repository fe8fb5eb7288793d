/** wirelab as a library: start a lab from code (integration tests), with the demo config or your own. */
export { startLab, type Lab, type StartLabOptions, type RunningService } from './lab/lab.js';
export { demoConfig, configFrom, loadConfigFile, parseConfigText, validateConfig, type LabConfig, type LabConfigInput } from './lab/config.js';
export { WirelabError, type ErrorCode } from './lab/errors.js';
export type { TapEvent } from './net/tap.js';
