// Public API of the `axon` package. Filled in by the control-plane issue.
export const AXON_PACKAGE = "axon";
