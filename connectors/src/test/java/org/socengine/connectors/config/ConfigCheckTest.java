package org.socengine.connectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckTest {

    private static final String SECRET = "s3cr3t-Pa55-word";

    @Test
    void nestedAndDottedYamlKeysAreTheSameKeysEachWithItsLine(@TempDir Path dir) throws Exception {
        Path file =
                write(
                        dir,
                        "soc.yml",
                        """
                        # the engine
                        kafka:
                          bootstrap: kafka1:9093,kafka2:9093
                          tls: true
                          truststore.type: PEM
                        es.url: https://es:9200
                        job:
                          parallelism: 4
                          checkpoint_interval: 30s
                        topic:
                          soc.raw.winlog:
                            trust_header: true
                        kafka.property.client.id: soc-test
                        decode.time_zone:
                        """);
        ConfigFile f = ConfigFile.read(file);
        assertThat(f.problems()).isEmpty();
        assertThat(f.entries())
                .extracting(e -> e.key() + "@" + e.line() + "=" + e.value())
                .containsExactly(
                        "kafka.bootstrap@3=kafka1:9093,kafka2:9093",
                        "kafka.tls@4=true",
                        "kafka.truststore.type@5=PEM",
                        "es.url@6=https://es:9200",
                        "job.parallelism@8=4",
                        "job.checkpoint_interval@9=30s",
                        "topic.soc.raw.winlog.trust_header@12=true",
                        "kafka.property.client.id@13=soc-test");
        assertThat(ConfigCheck.check(file, Map.of())).isEmpty();
        SocConfig c = SocConfig.load(file, Map.of());
        assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka1:9093,kafka2:9093");
        assertThat(c.get("job.parallelism")).isEqualTo("4");
        assertThat(c.has("decode.time_zone")).isFalse();
    }

    @Test
    void everyMistakeIsReportedWithItsFileLineAndKey(@TempDir Path dir) throws Exception {
        Path file =
                write(
                        dir,
                        "soc.yml",
                        """
                        kafka:
                          bootstrp: kafka:9092
                        kafka.bootstrap.servers: kafka:9092
                        job:
                          parallelism: two
                          idle_timeout: 30 parsecs
                        assets.file: /nonexistent/assets.csv
                        state.backend: leveldb
                        es.url: es:9200
                        kafka.tls: yes please
                        decode.time_zone.sislog: UTC
                        completely.unrelated.setting: 1
                        """);
        List<String> problems =
                ConfigCheck.check(file, Map.of()).stream().map(ConfigProblem::format).toList();
        String f = file.toString();
        assertThat(problems)
                .containsExactly(
                        f + ":2: kafka.bootstrp: unknown key; did you mean kafka.bootstrap?",
                        f
                                + ":3: kafka.bootstrap.servers: unknown key; did you mean"
                                + " kafka.bootstrap?",
                        f + ":5: job.parallelism: not a whole number: 'two'",
                        f
                                + ":6: job.idle_timeout: not a duration: '30 parsecs' (write 0,"
                                + " 200ms, 5s, 2m, 1h or 1d)",
                        f + ":7: assets.file: no such file: /nonexistent/assets.csv",
                        f + ":8: state.backend: not one of rocksdb, hashmap: 'leveldb'",
                        f + ":9: es.url: not an http:// or https:// URL: 'es:9200'",
                        f + ":10: kafka.tls: not true or false: 'yes please'",
                        f
                                + ":11: decode.time_zone.sislog: unknown source 'sislog' (known: "
                                + String.join(
                                        ", ", org.socengine.connectors.decode.Decoders.sources())
                                + ")",
                        f
                                + ":12: completely.unrelated.setting: unknown key"
                                + " (docs/configuration.md lists every key)");
        assertThatThrownBy(() -> SocConfig.load(file, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(f + ":2: kafka.bootstrp: unknown key")
                .hasMessageContaining("and 9 more: ./soc config check FILE");
    }

    @Test
    void theOldPropertiesFileIsCheckedTheSameWay(@TempDir Path dir) throws Exception {
        Path file =
                write(
                        dir,
                        "soc.properties",
                        "# connections\nkafka.bootstrap=kafka:9092\n\nes.urll = http://es:9200\n"
                                + "job.parallelism=0\n");
        assertThat(ConfigCheck.check(file, Map.of()))
                .extracting(ConfigProblem::format)
                .containsExactly(
                        file + ":4: es.urll: unknown key; did you mean es.url?",
                        file + ":5: job.parallelism: must be above 0, not 0");
    }

    @Test
    void yamlSyntaxErrorsAndKeysSetTwiceNameTheirLine(@TempDir Path dir) throws Exception {
        Path broken = write(dir, "broken.yml", "kafka:\n  bootstrap: a:1\n   tls: true\n");
        assertThat(ConfigCheck.check(broken, Map.of()))
                .singleElement()
                .extracting(ConfigProblem::format)
                .asString()
                .startsWith(broken + ":3: YAML: ");
        Path twice = write(dir, "twice.yml", "kafka:\n  tls: true\nkafka.tls: false\n");
        assertThat(ConfigCheck.check(twice, Map.of()))
                .extracting(ConfigProblem::format)
                .containsExactly(twice + ":3: kafka.tls: set twice in this file");
    }

    @Test
    void secretsComeFromFilesAndNeverAppearInProblems(@TempDir Path dir) throws Exception {
        Path pw = write(dir, "es-password", SECRET + "\n");
        Path ok = write(dir, "ok.yml", "es:\n  user: engine\n  password_file: " + pw + "\n");
        SocConfig c = SocConfig.load(ok, Map.of());
        assertThat(c.elasticsearch().password()).isEqualTo(SECRET);
        assertThat(c.toString()).doesNotContain(SECRET);

        Path both =
                write(
                        dir,
                        "both.yml",
                        "es:\n  password: " + SECRET + "\n  password_file: " + pw + "\n");
        assertThat(ConfigCheck.check(both, Map.of()))
                .extracting(ConfigProblem::format)
                .containsExactly(
                        both
                                + ":3: es.password: set both inline and as es.password_file; keep one");
        Path wrongKind = write(dir, "wrong.yml", "kafka.sasl.passwrd: " + SECRET + "\n");
        assertThat(ConfigCheck.check(wrongKind, Map.of()))
                .extracting(ConfigProblem::format)
                .containsExactly(
                        wrongKind
                                + ":1: kafka.sasl.passwrd: unknown key; did you mean"
                                + " kafka.sasl.password?")
                .allSatisfy(p -> assertThat(p).doesNotContain(SECRET));
        Path inUrl = write(dir, "url.yml", "es.url: ftp://engine:" + SECRET + "@es:9200\n");
        assertThat(ConfigCheck.check(inUrl, Map.of()))
                .singleElement()
                .extracting(ConfigProblem::format)
                .asString()
                .contains("es.url: not an http:// or https:// URL")
                .doesNotContain(SECRET);
    }

    @Test
    void theEnvironmentIsCheckedAndWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = write(dir, "soc.yml", "job:\n  parallelism: 2\n");
        assertThat(ConfigCheck.check(file, Map.of("SOC_JOB_PARALLELISM", "many", "SOC_HOME", "/x")))
                .extracting(ConfigProblem::format)
                .containsExactly(
                        "$SOC_JOB_PARALLELISM: job.parallelism: not a whole number: 'many'");
        assertThat(SocConfig.load(file, Map.of("SOC_JOB_PARALLELISM", "8")).get("job.parallelism"))
                .isEqualTo("8");
        assertThat(
                        SocConfig.load(
                                        null,
                                        Map.of("SOC_STATE_CHECKPOINTS_DIR", "s3://soc/checkpoints"))
                                .get("state.checkpoints_dir"))
                .isEqualTo("s3://soc/checkpoints");
    }

    @Test
    void pathsMustBeThereAndFoldersCreatable(@TempDir Path dir) throws Exception {
        Path aFile = write(dir, "plain", "x");
        Path file =
                write(
                        dir,
                        "soc.yml",
                        "rules.dir: "
                                + aFile
                                + "\nstate.checkpoints_dir: "
                                + aFile.resolve("sub")
                                + "\nstate.savepoints_dir: "
                                + dir.resolve("new/savepoints")
                                + "\ndepartments.file: "
                                + dir
                                + "\n");
        assertThat(ConfigCheck.check(file, Map.of()))
                .extracting(ConfigProblem::format)
                .containsExactly(
                        file + ":1: rules.dir: not a folder: " + aFile,
                        file
                                + ":2: state.checkpoints_dir: "
                                + aFile
                                + " is a file, not a folder: cannot create "
                                + aFile.resolve("sub"),
                        file + ":4: departments.file: a folder, not a file: " + dir);
    }

    @Test
    void theNearestKeyIsSuggested() {
        assertThat(ConfigKeys.nearest("job.paralelism")).contains("job.parallelism");
        assertThat(ConfigKeys.nearest("state.checkpoint_dir")).contains("state.checkpoints_dir");
        assertThat(ConfigKeys.nearest("es.passwd_file")).contains("es.password_file");
        assertThat(ConfigKeys.nearest("xyz")).isEmpty();
        assertThat(ConfigKeys.find("es.password.file"))
                .get()
                .extracting(ConfigKey::name)
                .isEqualTo("es.password_file");
        assertThat(ConfigKeys.find("topic.soc.raw.syslog.trust_header")).isPresent();
        assertThat(ConfigKeys.find("topic.soc.raw.syslog.trust")).isEmpty();
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
