package dev.prune.deploy;

import dev.prune.events.PipelineTopic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.prune.deploy.DeployFiles.at;
import static dev.prune.deploy.DeployFiles.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything that names the pipeline's topics, checked against its one definition, shared-model's
 * {@link PipelineTopic}: each service's channels in application.properties (topics, dead-letter topics, the
 * evaluator's dead-letter list), the services' channel annotations, docker-compose's kafka-init and the Kustomize
 * topics and KEDA scalers. A topic added to or removed from the definition fails here until every file follows.
 */
class PipelineDefinitionTest {
    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");
    /** The evaluator's channel of every dead-letter topic (DeadLetters). */
    private static final String DEAD_LETTERS = "dead-letters";

    /** One smallrye-kafka channel of a service. */
    record Channel(String service, String direction, String name, List<String> topics, String group, String deadLetterTopic) {
        boolean incoming() {
            return direction.equals("incoming");
        }

        @Override
        public String toString() {
            return service + " " + direction + " channel " + name;
        }
    }

    static List<Channel> channels() {
        List<Channel> channels = new ArrayList<>();
        for (String service : new TreeSet<>(DeployFiles.SERVICES.keySet())) {
            Properties p = DeployFiles.applicationProperties(service)
                    .orElseThrow(() -> new AssertionError(service + " has no application.properties"));
            for (String key : new TreeSet<>(p.stringPropertyNames())) {
                Matcher m = CHANNEL.matcher(key);
                if (!m.matches() || !"smallrye-kafka".equals(p.getProperty(key).strip())) {
                    continue;
                }
                String prefix = "mp.messaging." + m.group(1) + "." + m.group(2) + ".";
                String topics = p.getProperty(prefix + "topics");
                List<String> names = Stream.of((topics != null ? topics : p.getProperty(prefix + "topic", m.group(2))).split(","))
                        .map(String::strip).filter(t -> !t.isEmpty()).toList();
                String dlq = "dead-letter-queue".equals(p.getProperty(prefix + "failure-strategy", "fail").strip())
                        ? p.getProperty(prefix + "dead-letter-queue.topic", "dead-letter-topic-" + m.group(2)).strip() : null;
                channels.add(new Channel(service, m.group(1), m.group(2), names, p.getProperty(prefix + "group.id"), dlq));
            }
        }
        return channels;
    }

    @Test
    void everyChannelNamesOnlyDefinedTopicsAndEachPipelineChannelIsItsTopic() {
        Set<String> known = new TreeSet<>(DeployFiles.TOPICS);
        known.addAll(DeployFiles.DEAD_LETTER_TOPICS);
        for (Channel channel : channels()) {
            for (String topic : channel.topics()) {
                assertTrue(known.contains(topic), channel + " names topic '" + topic + "', which the pipeline's definition "
                        + "(dev.prune.events.PipelineTopic) does not have; known: " + known);
            }
            if (DeployFiles.TOPICS.contains(channel.name())) {
                assertEquals(List.of(channel.name()), channel.topics(),
                        channel + ": a channel named for a pipeline topic reads or writes that topic only");
            }
            if (channel.incoming() && !channel.name().equals(DEAD_LETTERS)) {
                assertEquals(1, channel.topics().size(), channel + ": one topic per stage channel");
                String topic = channel.topics().get(0);
                assertTrue(DeployFiles.TOPICS.contains(topic), channel + " consumes " + topic + ", not a pipeline topic");
                assertEquals(PipelineTopic.named(topic).orElseThrow().deadLetterTopic(), channel.deadLetterTopic(),
                        channel + ": failure-strategy=dead-letter-queue with dead-letter-queue.topic " + topic
                                + PipelineTopic.DLQ_SUFFIX);
            }
        }
    }

    @Test
    void theEvaluatorReadsExactlyEveryDeadLetterTopic() {
        List<Channel> deadLetters = channels().stream()
                .filter(c -> c.incoming() && c.topics().stream().anyMatch(t -> t.endsWith(PipelineTopic.DLQ_SUFFIX))).toList();
        assertEquals(1, deadLetters.size(), "one channel reads the dead-letter topics: " + deadLetters);
        Channel channel = deadLetters.get(0);
        assertEquals("evaluator-service", channel.service());
        assertEquals(DEAD_LETTERS, channel.name());
        assertEquals(DeployFiles.DEAD_LETTER_TOPICS, channel.topics(),
                "mp.messaging.incoming.dead-letters.topics lists every dead-letter topic of the definition, in its order");
    }

    @Test
    void everyTopicHasAProducerAndAConsumerAndEveryConsumerItsDeadLetterTopic() {
        List<Channel> channels = channels();
        for (String topic : DeployFiles.TOPICS) {
            List<Channel> consumers = channels.stream().filter(c -> c.incoming() && c.topics().contains(topic)).toList();
            List<Channel> producers = channels.stream().filter(c -> !c.incoming() && c.topics().contains(topic)).toList();
            assertEquals(1, consumers.size(), topic + ": consumed by exactly one service channel, is by " + consumers);
            assertFalse(producers.isEmpty(), topic + ": no service produces it");
        }
    }

    @Test
    void channelAnnotationsUseTheDefinitionsConstants() throws IOException {
        Pattern literal = Pattern.compile("@(Incoming|Outgoing|Channel)\\(\\s*\"([^\"]*)\"\\s*\\)");
        Pattern constant = Pattern.compile("@(Incoming|Outgoing|Channel)\\(\\s*PipelineTopic\\.Names\\.([A-Z_]+)\\s*\\)");
        Set<String> constants = new TreeSet<>();
        for (var field : PipelineTopic.Names.class.getFields()) {
            constants.add(field.getName());
        }
        Map<String, Set<String>> configured = channels().stream().collect(Collectors.groupingBy(Channel::service,
                Collectors.mapping(Channel::name, Collectors.toCollection(LinkedHashSet::new))));
        int annotations = 0;
        for (String service : DeployFiles.SERVICES.keySet()) {
            Path src = DeployFiles.root().resolve(service).resolve("src/main/java");
            List<Path> sources;
            try (Stream<Path> files = Files.walk(src)) {
                sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            }
            for (Path file : sources) {
                String text = DeployFiles.read(file);
                String where = DeployFiles.root().relativize(file).toString();
                Matcher m = literal.matcher(text);
                while (m.find()) {
                    annotations++;
                    assertFalse(DeployFiles.TOPICS.contains(m.group(2)), where + ": @" + m.group(1) + "(\"" + m.group(2)
                            + "\") spells a pipeline topic; use PipelineTopic.Names");
                    assertTrue(configured.getOrDefault(service, Set.of()).contains(m.group(2)),
                            where + ": channel " + m.group(2) + " has no smallrye-kafka connector in application.properties");
                }
                Matcher c = constant.matcher(text);
                while (c.find()) {
                    annotations++;
                    assertTrue(constants.contains(c.group(2)), where + ": PipelineTopic.Names." + c.group(2) + " is not defined");
                }
            }
        }
        assertTrue(annotations >= 8, "found only " + annotations + " channel annotations in the services");
    }

    @Test
    void composeCreatesExactlyTheDefinedTopics() {
        Map<String, Object> init = DeployFiles.map(at(DeployFiles.yamlMap(DeployFiles.file("docker-compose.yml")),
                "services", "kafka-init"), "services.kafka-init");
        String script = String.valueOf(init.get("command")) + init.get("entrypoint");
        Matcher m = Pattern.compile("for topic in ([^;]+);").matcher(script);
        assertTrue(m.find(), "kafka-init creates its topics in a 'for topic in ...;' loop");
        assertEquals(DeployFiles.TOPICS, List.of(m.group(1).strip().split("\\s+")),
                "kafka-init's topics are the definition's (each with its .dlq)");
        assertTrue(script.contains("\"$$topic.dlq\"") || script.contains("\"$topic.dlq\""),
                "kafka-init creates each topic's .dlq");
    }

    @Test
    void kubernetesTopicsAndScalersFollowTheDefinition() {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String file : List.of("deploy/k8s/base/kafka-topics.yaml", "deploy/k8s/base/scaledobjects.yaml")) {
            docs.addAll(DeployFiles.yamlDocuments(DeployFiles.read(DeployFiles.file(file)), file));
        }
        Set<String> expected = new TreeSet<>(DeployFiles.TOPICS);
        expected.addAll(DeployFiles.DEAD_LETTER_TOPICS);
        Set<String> topics = docs.stream().filter(d -> "KafkaTopic".equals(d.get("kind")))
                .map(d -> string(d, "spec", "topicName")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, topics, "deploy/k8s: a KafkaTopic for every topic and dead-letter topic, nothing else");

        Set<String> consumed = channels().stream().filter(c -> c.incoming() && !c.name().equals(DEAD_LETTERS))
                .map(c -> c.group() + " on " + c.topics().get(0)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> watched = new TreeSet<>();
        for (Map<String, Object> so : docs.stream().filter(d -> "ScaledObject".equals(d.get("kind"))).toList()) {
            for (Object trigger : DeployFiles.list(at(so, "spec", "triggers"), "triggers")) {
                if ("kafka".equals(string(trigger, "type"))) {
                    String topic = string(trigger, "metadata", "topic");
                    assertTrue(DeployFiles.TOPICS.contains(topic), "ScaledObject " + string(so, "metadata", "name")
                            + " watches " + topic + ", not a topic of the definition");
                    watched.add(string(trigger, "metadata", "consumerGroup") + " on " + topic);
                }
            }
        }
        assertEquals(consumed, watched, "KEDA watches exactly the stage consumer groups on the topics they read");
    }

    /** docs/events.md's topic table lists the definition's topics. */
    @Test
    void theEventsDocListsTheDefinedTopics() {
        String doc = DeployFiles.read(DeployFiles.file("docs/events.md"));
        Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| ([A-Z]\\w*) \\|").matcher(doc);
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + " " + m.group(2));
        }
        List<String> defined = PipelineTopic.ALL.stream().map(t -> t.name() + " " + t.eventType().getSimpleName()).toList();
        assertEquals(defined, rows, "docs/events.md's Topics table: topic and event of each, in pipeline order");
    }

}
