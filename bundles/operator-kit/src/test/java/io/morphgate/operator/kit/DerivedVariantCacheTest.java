package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;

class DerivedVariantCacheTest {

    @TempDir
    Path directory;

    private static BlockVariant derived(String id) {
        SeededParameters p = new SeededParameters(1);
        int in = TestSlots.PLAIN.input().channels();
        int out = TestSlots.PLAIN.output().channels();
        return BlockVariant.of(id, OperatorKind.LOW_RANK, TestSlots.PLAIN, Map.of("beta", "0.5"), Provenance.DERIVED,
                "closed-form SVD of backbone b-1", SlotBlock.build(id, TestSlots.PLAIN, (g, x) -> g.conv(x,
                        p.convWeights(out, in, 1, 1), out, in, 1, 1, null, 1), p::batchNorm));
    }

    @Test
    void readsBackWhatItKeptForTheSameBackboneOperatorSlotAndSetting() {
        DerivedVariantCache cache = DerivedVariantCache.at(directory);
        BlockVariant kept = derived("lowrank-conv4-b0.5-derived");
        cache.write("b-1", "low-rank", TestSlots.PLAIN, 0.5, kept);
        BlockVariant read = cache.read("b-1", "low-rank", TestSlots.PLAIN, 0.5).orElseThrow();
        assertEquals(kept.descriptor(), read.descriptor());
        assertArrayEquals(kept.subGraph(), read.subGraph());
        assertTrue(cache.read("b-2", "low-rank", TestSlots.PLAIN, 0.5).isEmpty(), "another backbone");
        assertTrue(cache.read("b-1", "bottleneck", TestSlots.PLAIN, 0.5).isEmpty(), "another operator");
        assertTrue(cache.read("b-1", "low-rank", TestSlots.PLAIN, 0.25).isEmpty(), "another setting");
        assertTrue(cache.read("b-1", "low-rank", TestSlots.POOLED, 0.5).isEmpty(), "another slot");
    }

    @Test
    void aDamagedEntryIsDerivedAgain() throws IOException {
        DerivedVariantCache cache = DerivedVariantCache.at(directory);
        cache.write("b-1", "low-rank", TestSlots.PLAIN, 0.5, derived("lowrank-conv4-b0.5-derived"));
        try (Stream<Path> files = Files.list(directory)) {
            for (Path graph : files.filter(f -> f.toString().endsWith(".onnx")).toList()) {
                Files.write(graph, new byte[] {1, 2, 3});
            }
        }
        assertTrue(cache.read("b-1", "low-rank", TestSlots.PLAIN, 0.5).isEmpty());
    }

    @Test
    void withoutADataAreaNothingIsKept() {
        DerivedVariantCache none = DerivedVariantCache.none();
        none.write("b-1", "low-rank", TestSlots.PLAIN, 0.5, derived("lowrank-conv4-b0.5-derived"));
        assertTrue(none.read("b-1", "low-rank", TestSlots.PLAIN, 0.5).isEmpty());
        assertEquals(List.of(), List.of(directory.toFile().list()));
    }
}
