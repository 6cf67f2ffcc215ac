package io.morphgate.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;

/** Models and files the packaging tests use. */
final class ModelFixtures {

    /** Debian's dataset-fashion-mnist. */
    static final Path FASHION_MNIST_TEST_IMAGES = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private ModelFixtures() {
    }

    /** The built-in Fashion-MNIST CNN (input image [N,1,28,28], output logits [N,10]), wherever the repository keeps it. */
    static Path fashionMnistOnnx() throws IOException {
        Path root = Path.of("").toAbsolutePath().resolve("../..").normalize();
        Optional<Path> found = Optional.empty();
        for (String top : List.of("bundles/backbone", "models")) {
            if (found.isEmpty() && Files.isDirectory(root.resolve(top))) {
                try (Stream<Path> walk = Files.walk(root.resolve(top))) {
                    found = walk.filter(p -> p.getFileName().toString().equals("backbone.onnx"))
                            .filter(p -> !p.toString().contains("/target/")).findFirst();
                }
            }
        }
        assertTrue(found.isPresent(), "no backbone.onnx under " + root + "/bundles/backbone or /models");
        return found.get();
    }

    static Path labels(Path dir, List<String> labels) throws IOException {
        return Files.write(dir.resolve("labels.txt"), labels);
    }

    /** A small colour classifier: input [N,3,8,8], a 3x3 conv 3->4, a depthwise 3x3, a 1x1, GAP, Gemm to 5 classes. */
    static Path colourModel(Path dir) {
        GraphBuilder b = new GraphBuilder("colour");
        String t = b.withName("conv").conv(b.input("pixels", 3, 8, 8), new float[4 * 3 * 9], 4, 3, 3, 3, null, 1);
        t = b.withName("depthwise").conv(b.relu(t), new float[4 * 9], 4, 1, 3, 3, new float[4], 4);
        t = b.withName("pointwise").conv(t, new float[4 * 4], 4, 4, 1, 1, null, 1);
        t = b.withName("head").gemm(b.flatten(b.globalAveragePool(t)), new float[5 * 4], 5, 4, new float[5]);
        Path file = dir.resolve("colour.onnx");
        OnnxModelIO.write(b.output(t, "scores", 5).build(), file);
        return file;
    }
}
