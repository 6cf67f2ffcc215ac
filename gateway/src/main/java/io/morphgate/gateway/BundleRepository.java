package io.morphgate.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Maps bundle ids to jar files in one or more Maven-layout folders, searched in order. */
final class BundleRepository {

    private final List<Path> roots;

    BundleRepository(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    List<Path> roots() {
        return roots;
    }

    /** The jar of {@code id}; fails naming every place it looked. */
    Path locate(BundleId id) throws ProvisioningException {
        Path relative = id.repositoryPath();
        for (Path root : roots) {
            Path candidate = root.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        String searched = roots.stream().map(r -> r.resolve(relative).toString()).collect(Collectors.joining(", "));
        throw new ProvisioningException(id.toString(), "not in the repository (looked for " + searched + ")");
    }
}
