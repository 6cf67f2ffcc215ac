package io.morphgate.api.variant;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a variant is and what it costs.
 *
 * @param id                 unique id, e.g. {@code lowrank-conv2-b0.5}
 * @param kind               the operator it instantiates
 * @param slot               the slot it replaces
 * @param hyperParameters    operator settings (beta, kernel size, squeeze ratio, ...), as text
 * @param params             number of parameters of its sub-graph
 * @param macs               multiply-accumulates of its sub-graph for one sample
 * @param provenance         where its parameters come from
 * @param provenanceDetail   how they were obtained, for a person (trainer run, derivation method, seed)
 * @param expectedAccuracy   whole-model test accuracy with only this variant swapped in, when measured
 */
public record VariantDescriptor(String id, OperatorKind kind, String slot, Map<String, String> hyperParameters,
        long params, long macs, Provenance provenance, String provenanceDetail, OptionalDouble expectedAccuracy) {

    public VariantDescriptor {
        hyperParameters = Map.copyOf(hyperParameters);
    }
}
