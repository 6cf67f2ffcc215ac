package io.morphgate.gateway.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cloud's command line, {@code morphgate-console}, run as an operator runs it: in a JVM of its own (its
 * {@code main}, its exit code), connected to the test's Mosquitto as user {@code cloud} over TLS, with a signing key
 * of its own made by its {@code keygen}.
 */
final class ConsoleClient {

    record Result(int exit, String out) {
    }

    private static final String KEY_ID = "e2e-console";

    private final Path dir;
    private final List<String> connection;

    ConsoleClient(Path dir, Mosquitto broker, String gatewayId) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        this.connection = List.of("--broker", "ssl://localhost:" + broker.tlsPort(), "--ca",
                broker.caCertificate().toString(), "--username", "cloud", "--password-file",
                broker.passwordFile("cloud").toString(), "-g", gatewayId, "--timeout", "60");
        Result keygen = runCommand(List.of("keygen", KEY_ID, "--dir", dir.toString()));
        if (keygen.exit() != 0) {
            throw new IOException("keygen failed: " + keygen.out());
        }
    }

    /** The console's private key, for {@code --sign-with}. */
    Path key() {
        return dir.resolve(KEY_ID + ".key");
    }

    void trustItsKeyOn(Path trustedKeys) throws IOException {
        Files.copy(dir.resolve(KEY_ID + ".pub"), trustedKeys.resolve(KEY_ID + ".pub"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** A command to the gateway: {@code args} then the broker and gateway options. */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(connection);
        return runCommand(command);
    }

    private Result runCommand(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.morphgate.console.Console"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the console hung: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
