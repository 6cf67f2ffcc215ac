package io.morphgate.deployment.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * The directories a {@code file:} artifact URL may name: a request from the cloud must not make the gateway read
 * whatever its user can read. A path counts by where it really is (symbolic links and {@code ..} resolved), and
 * one outside every directory is refused, whether it exists or not, before a byte of it is read.
 */
final class FileSources {

    private final List<Path> directories;

    /** {@code directories}: absolute paths; a directory that does not exist (yet) allows nothing until it does. */
    FileSources(List<Path> directories) {
        this.directories = List.copyOf(directories);
    }

    /** The real path of the file {@code source} names; SOURCE_NOT_ALLOWED outside the directories. */
    Path resolve(URI source) throws DeploymentException {
        Path path;
        try {
            path = Path.of(source);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new DeploymentException(Code.INVALID_ARGUMENT, source + " is not a file URL with an absolute path "
                    + "(file:/dir/name.jar)");
        }
        List<Path> allowed = realDirectories();
        Optional<Path> real = realPath(path);
        if (real.isPresent() && allowed.stream().anyMatch(real.get()::startsWith)) {
            return real.get();
        }
        if (real.isEmpty() && allowed.stream().anyMatch(whereItWouldBe(path)::startsWith)) {
            throw new DeploymentException(Code.DOWNLOAD_FAILED, "no such file: " + source);
        }
        // the same answer for a file outside that exists and one that does not: no probing of the file system
        throw new DeploymentException(Code.SOURCE_NOT_ALLOWED, source + " is outside the directories this gateway "
                + "reads artifacts from (" + allowed.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "): send the jar with upload, or add its directory to allowedFileDirectories (PID "
                + "morphgate.deployment)");
    }

    @Override
    public String toString() {
        return directories.toString();
    }

    private List<Path> realDirectories() {
        List<Path> real = new ArrayList<>();
        for (Path d : directories) {
            realPath(d).ifPresent(real::add);
        }
        return real;
    }

    /** A path that does not exist: the real path of its nearest existing ancestor, with the rest of its names. */
    private static Path whereItWouldBe(Path path) {
        Path normal = path.normalize();
        for (Path ancestor = normal.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            Optional<Path> real = realPath(ancestor);
            if (real.isPresent()) {
                return real.get().resolve(ancestor.relativize(normal));
            }
        }
        return normal;
    }

    private static Optional<Path> realPath(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
