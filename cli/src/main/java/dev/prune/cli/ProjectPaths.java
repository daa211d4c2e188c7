package dev.prune.cli;

import java.nio.file.Path;

/** Where the CLI keeps its work files: .pruning/ under the project root (the launcher passes it). */
final class ProjectPaths {
    private ProjectPaths() {
    }

    static Path home() {
        return Path.of(System.getProperty("pruning.home", ".")).toAbsolutePath().normalize();
    }

    static Path workDir() {
        return home().resolve(".pruning");
    }

    static Path cacheDir() {
        return workDir().resolve("cache");
    }
}
