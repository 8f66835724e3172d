package org.socengine.jobs.detection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.SocTopics;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;

/**
 * Validates and compiles each rule published to {@code soc.rules} once, before any subtask sees it:
 * a rule that fails is refused (its previous version keeps running) and the refusal is reported on
 * {@code soc.rules.status} with the file, line and problem. An older version than the one deployed,
 * or the same version again, changes nothing.
 */
public final class RuleUpdateCompiler extends KeyedProcessFunction<String, RuleRecord, Control> {

    public static final OutputTag<RuleStatus> STATUS =
            new OutputTag<>("rule-status", TypeInformation.of(RuleStatus.class));

    private static final Logger LOG = LoggerFactory.getLogger(RuleUpdateCompiler.class);

    private transient RuleCompiler compiler;
    private transient ValueState<Integer> version;
    private transient ValueState<String> fingerprint;
    private transient Counter refused;

    @Override
    public void open(OpenContext openContext) {
        compiler = new RuleCompiler();
        version =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("deployed-version", Types.INT));
        fingerprint =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("deployed-fingerprint", Types.STRING));
        refused = getRuntimeContext().getMetricGroup().counter("rulesRefused");
    }

    @Override
    public void processElement(RuleRecord record, Context ctx, Collector<Control> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        String id = record.ruleId;
        if (record.yaml == null) {
            if (version.value() != null) {
                out.collect(Control.remove(id));
                ctx.output(
                        STATUS, RuleStatus.of(id, version.value(), RuleStatus.REMOVED, null, now));
                version.clear();
                fingerprint.clear();
            }
            return;
        }
        String file = SocTopics.RULES + "/" + id + "@" + record.offset;
        RuleDefinition def;
        CompiledRule compiled;
        try {
            def = RuleParser.parse(file, record.yaml);
            if (!id.equals(def.id())) {
                throw new RuleValidationException(
                        def.problem(
                                "id",
                                "record key '" + id + "' is not the rule's id '" + def.id() + "'"));
            }
            Integer current = version.value();
            String print = sha(record.yaml);
            if (current != null && def.version() < current) {
                ctx.output(
                        STATUS,
                        RuleStatus.of(
                                id,
                                def.version(),
                                RuleStatus.STALE,
                                "version " + current + " is deployed",
                                now));
                return;
            }
            if (current != null && def.version() == current && print.equals(fingerprint.value())) {
                return;
            }
            compiled = compiler.compile(def);
            version.update(def.version());
            fingerprint.update(print);
        } catch (RuleValidationException e) {
            refused.inc();
            String error =
                    e.problems().stream()
                            .map(RuleProblem::toString)
                            .collect(Collectors.joining("; "));
            LOG.warn("rule {} refused: {}", id, error);
            ctx.output(
                    STATUS,
                    RuleStatus.of(id, versionOf(record.yaml), RuleStatus.REFUSED, error, now));
            return;
        }
        out.collect(Control.deploy(compiled));
        ctx.output(
                STATUS,
                RuleStatus.of(
                        id,
                        def.version(),
                        def.enabled() ? RuleStatus.DEPLOYED : RuleStatus.DISABLED,
                        null,
                        now));
    }

    private static int versionOf(String yaml) {
        var m = java.util.regex.Pattern.compile("(?m)^version:\\s*(\\d+)").matcher(yaml);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String sha(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
