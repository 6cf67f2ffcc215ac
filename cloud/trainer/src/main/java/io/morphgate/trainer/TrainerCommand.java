package io.morphgate.trainer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** The trainer's command line; see docs/training.md. */
@Command(name = "morphgate-trainer", mixinStandardHelpOptions = true,
        description = "Trains the Morphgate backbone and the operator variants on Fashion-MNIST (DJL + PyTorch, "
                + "offline) and writes them into the bundles' resource folders.")
public final class TrainerCommand implements Callable<Integer> {

    @Option(names = "--all", description = "Train the backbone and then every variant (the default stage).")
    boolean all;

    @Option(names = "--stage", description = "ALL, BACKBONE or VARIANTS (variants against the backbone in --out).")
    TrainerOptions.Stage stage = TrainerOptions.Stage.ALL;

    @Option(names = "--data-dir", description = "Gzipped IDX files (default: ${DEFAULT-VALUE}).")
    Path dataDir = FashionMnist.DEBIAN_DIR;

    @Option(names = "--repo-root", description = "Repository root to read slots.json from (default: .).")
    Path repoRoot = Path.of(".");

    @Option(names = "--out", description = "Where to write, in the repository's layout (default: --repo-root).")
    Path out;

    @Option(names = "--epochs", description = "Backbone epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--match-steps", description = "Feature-matching steps per variant (default: ${DEFAULT-VALUE}).")
    int matchSteps = 200;

    @Option(names = {"--variant-steps", "--fine-tune-steps"},
            description = "Fine-tuning steps per variant (default: ${DEFAULT-VALUE}).")
    int fineTuneSteps = 600;

    @Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--limit", description = "Use only the first N training images (smoke runs; 0: all).")
    int limit;

    @Option(names = "--test-limit", description = "Use only the first N test images (0: all).")
    int testLimit;

    @Option(names = "--seed", description = "Seed of every random source (default: ${DEFAULT-VALUE}).")
    long seed = 20261127L;

    @Option(names = "--no-augment", description = "No augmentation (default: random horizontal flips).")
    boolean noAugment;

    @Option(names = "--shift", description = "Also shift images randomly by up to N pixels (default: 0).")
    int shift;

    @Option(names = "--only", description = "Regular expression: train only the variants whose id matches.")
    Pattern only;

    @Override
    public Integer call() {
        TrainerOptions options = new TrainerOptions(dataDir, repoRoot, out != null ? out : repoRoot, stage, epochs,
                matchSteps, fineTuneSteps, batchSize, limit, testLimit, seed, !noAugment, shift, only);
        Pipeline.Summary s = new Pipeline(options).run();
        if (Double.isNaN(s.backboneAccuracy())) {
            System.out.printf(Locale.ROOT, "%nbackbone %s: not trained in this run%n", s.backboneId());
        } else {
            System.out.printf(Locale.ROOT, "%nbackbone %s: test accuracy %.4f%n", s.backboneId(), s.backboneAccuracy());
        }
        for (VariantArtifacts.Written w : s.variants()) {
            System.out.printf(Locale.ROOT, "%-34s %-12s acc %.4f  params %7d  MACs %9d  %6.1f s%n", w.id(),
                    w.operator(), w.testAccuracy(), w.params(), w.macs(), w.seconds());
        }
        System.out.printf(Locale.ROOT, "total %.1f s%n", s.seconds());
        return 0;
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(new CommandLine(new TrainerCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
