package io.morphgate.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sign", description = "Prints the SHA-256, size and Ed25519 signature of a bundle jar (the fields "
        + "of an install or update artifact).")
final class SignCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JAR")
    Path jar;

    @Option(names = "--key", required = true, description = "The private key, <name>.key.")
    Path key;

    @Option(names = "--key-id", description = "Key id (default: the key file's name without .key).")
    String keyId;

    @Option(names = "--out", description = "Also write the JSON to this file.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonObject signed = signature(jar, key, keyId);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(signed);
        spec.commandLine().getOut().println(json);
        if (out != null) {
            Files.writeString(out, json + "\n");
        }
        return Console.EXIT_OK;
    }

    /** {sha256, size, signature, keyId} of a jar. */
    static JsonObject signature(Path jar, Path key, String keyId) throws Exception {
        byte[] bytes = Files.readAllBytes(jar);
        JsonObject json = new JsonObject();
        json.addProperty("sha256", Keys.sha256(bytes));
        json.addProperty("size", bytes.length);
        json.addProperty("signature", Keys.sign(key, bytes));
        json.addProperty("keyId", keyId != null ? keyId : Keys.keyId(key));
        return json;
    }
}
