export { IotSimulator, type IotSimulatorOptions, type IotSimulatorState, type RegistrationOutcome } from './simulator.ts';
export { installIotSimulator } from './install.ts';
export { formatConnectionToken, type TokenGeneration, type TokenCheck } from './tokens.ts';
export { callIotModel, iotBoxRows, iotDeviceRows, IOT_MODELS, ModelError } from './iot-models.ts';
export { SessionStore, type WebSession } from './sessions.ts';
export type { DatabaseIdentity } from './identity.ts';
export type { BusNotification, WireNotification } from './bus-store.ts';
export * as IOT_PROTOCOL from './constants.ts';
