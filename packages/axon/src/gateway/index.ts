// Public surface of the HTTP gateway (`axon serve`).

export type { GatewayAxon } from "./axon-types.js";
export { checkBindRule, isLoopbackHost } from "./bind-rule.js";
export { chatToRun } from "./chat-history.js";
export type { Gateway, GatewayOptions } from "./create-gateway.js";
export { createGateway } from "./create-gateway.js";
export type { GatewayLogger } from "./gateway-context.js";
export type { ListenGatewayOptions, ListeningGateway } from "./listen-gateway.js";
export { listenGateway } from "./listen-gateway.js";
export { openApiDocument } from "./openapi.js";
export type { ServeGatewayOptions, ServingGateway } from "./serve-gateway.js";
export { serveGateway } from "./serve-gateway.js";
