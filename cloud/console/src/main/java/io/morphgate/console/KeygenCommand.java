package io.morphgate.console;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "keygen", description = "Creates an Ed25519 signing key pair: <name>.key (PKCS#8, keep it secret) and "
        + "<name>.pub (copy it into each gateway's trusted-keys directory; <name> is the key id).")
final class KeygenCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "Key name, which is also the key id.")
    String name;

    @Option(names = "--dir", description = "Where to write the files (default: current directory).", defaultValue = ".")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Keys.generate(dir, name);
        spec.commandLine().getOut().println("wrote " + dir.resolve(name + ".key") + " and " + dir.resolve(name + ".pub")
                + " (key id " + name + ")");
        return Console.EXIT_OK;
    }
}
