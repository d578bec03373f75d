package io.viewsync.core.ivm;

/**
 * A stage with one input and one output: it reads its input on fetch and turns its input's pushes into its
 * own. Operators are stateful, are built downstream-last (the constructor connects itself to its input) and
 * keep only what they need to answer fetch and push without scanning (Take: a bound per partition; Exists: a
 * relationship size per parent). See {@link Input} and {@link Output} for the contract.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public interface Operator extends Input, Output {}
