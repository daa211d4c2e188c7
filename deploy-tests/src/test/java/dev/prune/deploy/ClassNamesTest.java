package dev.prune.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No two classes of the repository share a simple name (main or test, any module), so a name says which side a class
 * is on: a service's consumer ({@code RankConsumer}) is never confused with the engine's algorithm ({@code FilterRanker}).
 */
class ClassNamesTest {

    @Test
    void everyJavaFileNameIsUniqueInTheRepository() throws IOException {
        Path root = DeployFiles.root();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> root.relativize(f).toString().contains("/src/"))
                    .filter(f -> Stream.of(root.relativize(f).toString().split("/"))
                            .noneMatch(part -> part.equals("target") || part.startsWith(".")))
                    .toList();
        }
        assertTrue(sources.size() > 100, "found only " + sources.size() + " Java sources under " + root);
        Map<String, List<String>> byName = sources.stream().collect(Collectors.groupingBy(f -> f.getFileName().toString(),
                TreeMap::new, Collectors.mapping(f -> root.relativize(f).toString(), Collectors.toList())));
        Map<String, List<String>> shared = new TreeMap<>();
        byName.forEach((name, paths) -> {
            if (paths.size() > 1) {
                shared.put(name, paths);
            }
        });
        assertEquals(Map.of(), shared, "classes sharing a simple name: name each for its side (e.g. RankConsumer "
                + "in a service, FilterRanker in the engine)");
    }
}
