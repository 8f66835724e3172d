package org.socengine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The FlinkDeployment manifests of deploy/k8s against the Flink Kubernetes Operator's own CRD
 * schema, read from the operator's API artifact on Maven Central ({@code
 * org.apache.flink:flink-kubernetes-operator-api}, Apache-2.0), as {@code kubectl apply
 * --validate=strict} would check them: an unknown field anywhere is an error, not something the API
 * server silently prunes.
 *
 * <p>One departure from the published schema, on purpose: the newest operator API that Maven
 * Central serves here is 1.10.0, whose {@code flinkVersion} enum ends at {@code v1_20}. The engine
 * runs Flink 2.2, which later operator releases know as {@code v2_2}; the test adds the Flink 2
 * values to that one enum and checks everything else as published.
 */
class FlinkDeploymentManifestTest {

    private static final Path K8S = Path.of("..", "deploy", "k8s");
    private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    private static final String VERSION = "v1beta1";
    private static final List<String> FLINK_2 = List.of("v2_0", "v2_1", "v2_2");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> manifests() throws IOException {
        try (Stream<Path> s = Files.list(K8S)) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(all).isNotEmpty();
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void theManifestIsValidForTheOperatorsSchema(Path manifest) throws Exception {
        JsonNode doc = JSON.valueToTree(new Yaml().load(Files.readString(manifest)));
        assertThat(doc.path("apiVersion").asText()).isEqualTo("flink.apache.org/" + VERSION);
        assertThat(doc.path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(doc.path("metadata").path("name").asText()).isNotBlank();
        Set<ValidationMessage> problems = specSchema().validate(doc.path("spec"));
        assertThat(problems).as(manifest.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void theManifestKeepsStateAcrossUpgradesAndFailures(Path manifest) throws Exception {
        JsonNode spec = JSON.valueToTree(new Yaml().load(Files.readString(manifest))).path("spec");
        JsonNode job = spec.path("job");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/soc-jobs.jar");
        assertThat(job.path("entryClass").asText()).startsWith("org.socengine.jobs.");
        assertThat(job.path("parallelism").asInt()).isPositive();
        JsonNode conf = spec.path("flinkConfiguration");
        for (String key :
                List.of(
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir",
                        "high-availability.storageDir")) {
            assertThat(conf.path(key).asText()).as(key).startsWith("s3://");
        }
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(conf.path("execution.checkpointing.externalized-checkpoint-retention").asText())
                .isEqualTo("RETAIN_ON_CANCELLATION");
        assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
        assertThat(spec.path("jobManager").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        for (String role : List.of("jobManager", "taskManager")) {
            JsonNode r = spec.path(role).path("resource");
            assertThat(r.path("memory").asText()).as(role).isNotBlank();
            assertThat(r.path("cpu").asDouble()).as(role).isPositive();
        }
    }

    /**
     * The engine's metric reporter, a plugin of the image (docker/Dockerfile), serves the engine's
     * metrics on every JobManager and TaskManager pod, on the port the pod declares for Prometheus'
     * pod discovery (docs/metrics.md).
     */
    @ParameterizedTest
    @MethodSource("manifests")
    void everyFlinkPodServesTheEnginesMetrics(Path manifest) throws Exception {
        JsonNode spec = JSON.valueToTree(new Yaml().load(Files.readString(manifest))).path("spec");
        JsonNode conf = spec.path("flinkConfiguration");
        assertThat(conf.path("metrics.reporter.soc.factory.class").asText())
                .isEqualTo("org.socengine.jobs.internal.SocMetricsReporterFactory");
        assertThat(conf.path("metrics.reporter.soc.port").asText()).isEqualTo("9464");
        assertThat(conf.path("metrics.reporter.soc.bind").asText()).isEqualTo("0.0.0.0");
        // Parent-first engine classes would share one registry across jobs and outlive them.
        assertThat(conf.has("classloader.parent-first-patterns.additional")).isFalse();
        JsonNode pod = spec.path("podTemplate");
        JsonNode main = null;
        for (JsonNode c : pod.path("spec").path("containers")) {
            if (c.path("name").asText().equals("flink-main-container")) {
                main = c;
            }
        }
        assertThat(main).as("flink-main-container").isNotNull();
        assertThat(main.path("ports").findValuesAsText("containerPort")).contains("9464");
        JsonNode annotations = pod.path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("9464");
    }

    @Test
    void eachJobOfTheEngineHasItsManifest() throws Exception {
        List<String> entries =
                manifests()
                        .map(
                                m -> {
                                    try {
                                        return JSON.valueToTree(
                                                        new Yaml().load(Files.readString(m)))
                                                .path("spec")
                                                .path("job")
                                                .path("entryClass")
                                                .asText();
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                })
                        .toList();
        assertThat(entries)
                .containsExactlyInAnyOrder(
                        "org.socengine.jobs.detection.DetectionJobMain",
                        "org.socengine.jobs.escalation.EscalationJobMain");
    }

    @Test
    void theSchemaRefusesWhatTheOperatorWouldRefuse() throws Exception {
        ObjectNode spec =
                (ObjectNode)
                        JSON.valueToTree(
                                        new Yaml()
                                                .load(
                                                        Files.readString(
                                                                K8S.resolve("soc-detection.yaml"))))
                                .path("spec");
        ObjectNode job = (ObjectNode) spec.path("job");
        job.put("upgradeMode", "on-a-whim");
        job.put("paralelism", 4);
        Set<ValidationMessage> problems = specSchema().validate(spec);
        assertThat(problems.stream().map(ValidationMessage::getMessage).toList())
                .anySatisfy(m -> assertThat(m).contains("upgradeMode"))
                .anySatisfy(m -> assertThat(m).contains("paralelism"));
    }

    /**
     * The {@code spec} schema of the served version, strict about unknown fields, with the Flink 2
     * versions added to {@code flinkVersion}.
     */
    private static JsonSchema specSchema() throws IOException {
        JsonNode crd;
        try (InputStream in =
                FlinkDeploymentManifestTest.class.getClassLoader().getResourceAsStream(CRD)) {
            assertThat(in).as(CRD + " on the test class path").isNotNull();
            crd = JSON.valueToTree(new Yaml().load(in));
        }
        JsonNode schema = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(VERSION)) {
                schema = v.path("schema").path("openAPIV3Schema").path("properties").path("spec");
            }
        }
        assertThat(schema).as(VERSION + " in the CRD").isNotNull();
        ObjectNode spec = schema.deepCopy();
        ArrayNode versions = (ArrayNode) spec.path("properties").path("flinkVersion").path("enum");
        assertThat(versions).isNotEmpty();
        FLINK_2.forEach(
                v -> {
                    if (!versions.toString().contains("\"" + v + "\"")) {
                        versions.add(v);
                    }
                });
        strict(spec);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(spec);
    }

    /**
     * Unknown fields are errors wherever the schema lists the fields and does not keep unknown ones
     * ({@code x-kubernetes-preserve-unknown-fields}): what strict field validation does.
     */
    private static void strict(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            if (o.has("properties")
                    && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                strict(e.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(FlinkDeploymentManifestTest::strict);
        }
    }
}
