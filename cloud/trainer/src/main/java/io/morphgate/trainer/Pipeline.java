package io.morphgate.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One trainer run: the backbone (stage 1), then every trainable default variant (stage 2), each stage writing its
 * artifacts as soon as it is done. The backbone always starts from the synthetic template shipped in this module,
 * never from a previously trained backbone, so a rerun with the same seed reproduces the same artifacts.
 */
public final class Pipeline {

    /** The original fixed-seed backbone: structure, initializer names and starting values. */
    static final String TEMPLATE = "backbone-template.onnx";

    /** What a run produced. */
    public record Summary(String backboneId, double backboneAccuracy, List<VariantArtifacts.Written> variants,
            double seconds) {
    }

    private final TrainerOptions options;
    private final Progress progress = new Progress();

    public Pipeline(TrainerOptions options) {
        this.options = options;
    }

    public Summary run() {
        System.setProperty("ai.djl.offline", "true"); // before the engine loads: never download anything
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // libtorch's default thread count made steps several times slower on a 2-core machine
            System.setProperty("ai.djl.pytorch.num_threads",
                    String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) options.seed());
        progress.line("engine %s %s, seed %d, data %s, out %s", engine.getEngineName(), engine.getVersion(),
                options.seed(), options.dataDir(), options.out());
        ModelDescriptor.Input input = FashionMnist.input(options.modelDir(options.repoRoot()));
        FashionMnist train = FashionMnist.train(options.dataDir(), options.limit(), input);
        FashionMnist test = FashionMnist.test(options.dataDir(), options.testLimit(), input);
        progress.line("data: %d training, %d test images", train.size(), test.size());
        SlotManifest manifest = SlotManifest.read(options.modelDir(options.repoRoot()).resolve("slots.json"));
        try (NDManager root = engine.newBaseManager()) {
            ModelProto backbone;
            String backboneId;
            double backboneAccuracy = Double.NaN;
            if (options.stage() == TrainerOptions.Stage.VARIANTS) {
                Path dir = options.modelDir(options.out());
                backbone = OnnxModelIO.read(dir.resolve("backbone.onnx"));
                backboneId = SlotManifest.read(dir.resolve("slots.json")).backboneId();
                progress.line("variants only: backbone %s from %s", backboneId, dir);
            } else {
                BackboneTraining.Result r = new BackboneTraining(options, progress).train(template(), train, test,
                        root);
                backbone = r.model();
                backboneId = "fashion-mnist-v1-seed" + options.seed();
                backboneAccuracy = r.testAccuracy();
                writeBackbone(r, manifest.describe(backboneId, description(r, train, test), r.testAccuracy()), manifest);
            }
            List<VariantArtifacts.Written> written = new ArrayList<>();
            if (options.stage() != TrainerOptions.Stage.BACKBONE) {
                written = trainVariants(backbone, manifest, backboneId, train, test, root);
            }
            progress.line("done in %.1f s", progress.seconds());
            return new Summary(backboneId, backboneAccuracy, written, progress.seconds());
        }
    }

    private List<VariantArtifacts.Written> trainVariants(ModelProto backbone, SlotManifest manifest,
            String backboneId, FashionMnist train, FashionMnist test, NDManager root) {
        List<SlotSpec> slots = manifest.slots(backbone);
        List<VariantCatalog.Entry> entries = VariantCatalog.all(slots, backboneId).stream()
                .filter(e -> options.only() == null || options.only().matcher(e.id()).matches()).toList();
        progress.line("variants: %d to train (%d match + %d fine-tune steps each)", entries.size(),
                options.matchSteps(), options.fineTuneSteps());
        VariantTraining training = new VariantTraining(options, progress);
        VariantArtifacts artifacts = new VariantArtifacts(options, backboneId, train.size());
        List<VariantArtifacts.Written> written = new ArrayList<>();
        try (NDManager m = root.newSubManager()) {
            OnnxGraphBlock frozen = new OnnxGraphBlock(backbone, m, name -> false);
            int n = 0;
            for (VariantCatalog.Entry e : entries) {
                progress.line("variant %d/%d %s (%s)", ++n, entries.size(), e.id(), e.variant());
                SlotSpec spec = slots.stream().filter(sl -> sl.name().equals(e.variant().descriptor().slot()))
                        .findFirst().orElseThrow();
                VariantTraining.Result r = training.train(e, spec, manifest.weights(spec, backbone),
                        manifest.boundary(spec.name()), backbone, frozen, train, test, m);
                written.add(artifacts.write(e, r));
                progress.line("variant %s: test accuracy %.4f (match mse %.4f, fine-tune loss %.4f) in %.1f s",
                        e.id(), r.testAccuracy(), r.matchLoss(), r.fineTuneLoss(), r.seconds());
            }
        }
        return written;
    }

    private String description(BackboneTraining.Result r, FashionMnist train, FashionMnist test) {
        return String.format(java.util.Locale.ROOT, "Trained on Fashion-MNIST by cloud/trainer (DJL %s, PyTorch): "
                + "%d epochs over %d training images, batch %d, Adam + cosine decay, seed %d%s; "
                + "test accuracy %.4f on %d test images.", Engine.getDjlVersion(), r.epochs(), train.size(),
                options.batchSize(), options.seed(), augmentation(), r.testAccuracy(), test.size());
    }

    private String augmentation() {
        if (!options.augment()) {
            return "";
        }
        return options.shift() > 0 ? ", random flips and shifts up to " + options.shift() + " px" : ", random flips";
    }

    private void writeBackbone(BackboneTraining.Result r, SlotManifest trained, SlotManifest source) {
        Path dir = options.modelDir(options.out());
        try {
            Files.createDirectories(dir);
            GraphCheck.check(r.model());
            OnnxModelIO.write(r.model(), dir.resolve("backbone.onnx"));
            trained.write(dir.resolve("slots.json"));
            Path calibration = options.modelDir(options.repoRoot()).resolve(source.calibrationFile());
            Path target = dir.resolve(source.calibrationFile());
            if (!Files.exists(target) || !Files.isSameFile(calibration, target)) {
                Files.copy(calibration, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backbone into " + dir, e);
        }
        progress.line("backbone written to %s (test accuracy %.4f, %.1f s)", dir, r.testAccuracy(), r.seconds());
    }

    static ModelProto template() {
        try (InputStream in = Pipeline.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TEMPLATE + " missing from the trainer jar");
            }
            return OnnxModelIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
