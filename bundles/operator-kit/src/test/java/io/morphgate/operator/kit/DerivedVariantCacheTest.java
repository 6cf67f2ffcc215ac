package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TrainedVariant;
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

    /**
     * A new version of a model keeps its id, and with a hand-kept slots.json its backbone id too; only the SHA-256 of
     * its ONNX file tells the weights apart, so that is what must keep it from reading the old version's variants.
     */
    @Test
    void variantsAreKeptPerModelIdAndOnnxHashSoANewVersionOfTheSameModelDerivesAgain() {
        DerivedVariantCache cache = DerivedVariantCache.at(directory);
        BlockVariant kept = derived("lowrank-conv4-b0.5-derived");
        cache.write(catalog("resnet20", SHA_A), "low-rank", TestSlots.PLAIN, 0.5, kept);
        assertArrayEquals(kept.subGraph(), cache.read(catalog("resnet20", SHA_A), "low-rank", TestSlots.PLAIN, 0.5)
                .orElseThrow().subGraph());
        assertTrue(cache.read(catalog("resnet20", SHA_B), "low-rank", TestSlots.PLAIN, 0.5).isEmpty(),
                "a new ONNX file under the same model id and backbone id read the old variant");
        assertTrue(cache.read(catalog("vgg11", SHA_A), "low-rank", TestSlots.PLAIN, 0.5).isEmpty(),
                "another model read it");
        assertTrue(Files.isDirectory(directory.resolve("resnet20").resolve(SHA_A)), "filed per model and file");
    }

    @Test
    void aCatalogThatDoesNotNameItsModelFileGetsNothingKept() {
        DerivedVariantCache cache = DerivedVariantCache.at(directory);
        SlotCatalog unnamed = catalog(null, null);
        cache.write(unnamed, "low-rank", TestSlots.PLAIN, 0.5, derived("lowrank-conv4-b0.5-derived"));
        assertTrue(cache.read(unnamed, "low-rank", TestSlots.PLAIN, 0.5).isEmpty());
        assertEquals(List.of(), List.of(directory.toFile().list()));
    }

    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    /** A catalog of one backbone id ("shared-backbone", as a slots.json would keep it) for a model file. */
    private static SlotCatalog catalog(String modelId, String sha256) {
        return new SlotCatalog() {
            @Override
            public String backboneId() {
                return "shared-backbone";
            }

            @Override
            public List<SlotSpec> slots() {
                return List.of(TestSlots.PLAIN);
            }

            @Override
            public Optional<SlotSpec> slot(String name) {
                return slots().stream().filter(s -> s.name().equals(name)).findFirst();
            }

            @Override
            public Optional<SlotWeights> weights(String slot) {
                return Optional.empty();
            }

            @Override
            public List<float[]> calibrationInputs(String slot) {
                return List.of();
            }

            @Override
            public OptionalDouble fullModelAccuracy() {
                return OptionalDouble.empty();
            }

            @Override
            public Optional<TrainedVariant> trainedVariant(String variantId) {
                return Optional.empty();
            }

            @Override
            public Optional<String> modelId() {
                return Optional.ofNullable(modelId);
            }

            @Override
            public Optional<String> modelSha256() {
                return Optional.ofNullable(sha256);
            }
        };
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
