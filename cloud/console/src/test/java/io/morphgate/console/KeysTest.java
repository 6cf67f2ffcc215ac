package io.morphgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import picocli.CommandLine;

class KeysTest {

    @TempDir
    Path dir;

    @Test
    void keygenWritesPkcs8AndX509Base64() throws Exception {
        assertEquals(0, run("keygen", "cloud-1", "--dir", dir.toString()).exit);
        byte[] key = Base64.getDecoder().decode(Files.readString(dir.resolve("cloud-1.key")).trim());
        byte[] pub = Base64.getDecoder().decode(Files.readString(dir.resolve("cloud-1.pub")).trim());
        KeyFactory ed25519 = KeyFactory.getInstance("Ed25519");
        assertEquals("EdDSA", ed25519.generatePrivate(new PKCS8EncodedKeySpec(key)).getAlgorithm());
        assertEquals("EdDSA", ed25519.generatePublic(new X509EncodedKeySpec(pub)).getAlgorithm());
        assertThrows(Exception.class, () -> Keys.generate(dir, "cloud-1"), "a key was overwritten");
    }

    @Test
    void aSignatureVerifiesAndATamperedJarDoesNot() throws Exception {
        Keys.generate(dir, "cloud-1");
        Path jar = Files.write(dir.resolve("operator.jar"), new byte[] {'P', 'K', 3, 4, 1, 2, 3, 4, 5});
        Result signed = run("sign", jar.toString(), "--key", dir.resolve("cloud-1.key").toString(),
                "--out", dir.resolve("operator.sig.json").toString());
        assertEquals(0, signed.exit);
        JsonObject json = JsonParser.parseString(signed.out).getAsJsonObject();
        assertEquals("cloud-1", json.get("keyId").getAsString());
        assertEquals(9, json.get("size").getAsLong());
        assertEquals(Keys.sha256(Files.readAllBytes(jar)), json.get("sha256").getAsString());
        assertEquals(64, json.get("sha256").getAsString().length());
        assertTrue(Files.readString(dir.resolve("operator.sig.json")).contains(json.get("signature").getAsString()));

        String signature = json.get("signature").getAsString();
        Path pub = dir.resolve("cloud-1.pub");
        assertTrue(Keys.verify(pub, Files.readAllBytes(jar), signature));
        byte[] tampered = Files.readAllBytes(jar);
        tampered[5] ^= 1;
        assertFalse(Keys.verify(pub, tampered, signature));
        Keys.generate(dir, "other");
        assertFalse(Keys.verify(dir.resolve("other.pub"), Files.readAllBytes(jar), signature), "another key verified it");
    }

    record Result(int exit, String out) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Console.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString());
    }
}
