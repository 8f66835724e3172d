package org.socengine.rules.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleSetRoot;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.CompiledRuleCache;
import org.socengine.rules.engine.RuleCompiler;

/**
 * Loads a tree of rule files: finds every rule, parses and compiles it, and collects the problems
 * of all of them instead of stopping at the first broken rule.
 */
public final class RuleRepository {

    /** One rule file: its definition when it parsed, its compiled form when it also compiled. */
    public record Entry(Path file, RuleDefinition definition, CompiledRule compiled) {
        public boolean ok() {
            return compiled != null;
        }
    }

    /**
     * What a load found: every rule file and every problem, and the rules left out unvalidated and
     * uncompiled because the load was asked for some of them only.
     */
    public record Loaded(
            List<Entry> entries, List<RuleProblem> problems, List<RuleDefinition> skipped) {
        public Loaded(List<Entry> entries, List<RuleProblem> problems) {
            this(entries, problems, List.of());
        }

        public List<CompiledRule> compiled() {
            return entries.stream().filter(Entry::ok).map(Entry::compiled).toList();
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private RuleRepository() {}

    /**
     * The rule files under a directory (or the file itself), in path order. Fixture folders are
     * skipped: they hold events, not rules.
     */
    public static List<Path> ruleFiles(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(RuleRepository::isRuleFile)
                    .filter(p -> !inFixtures(root.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    static boolean isRuleFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }

    private static boolean inFixtures(Path relative) {
        for (Path part : relative) {
            if (part.toString().equals("fixtures")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loads and compiles the rules, compiling on as many threads as there are cores, each with a
     * compiler of its own: Esper's compilation is most of the start-up of {@code ./soc detect}.
     */
    public static Loaded load(Path root) {
        return load(root, (CompiledRuleCache) null);
    }

    /**
     * As {@link #load(Path)}, reusing the byte code of rules compiled before from the cache (null:
     * none).
     */
    public static Loaded load(Path root, CompiledRuleCache cache) {
        return load(root, cache, d -> true);
    }

    /**
     * As {@link #load(Path, CompiledRuleCache)}, for the rules {@code include} accepts only: the
     * others are parsed (their file must be a rule) but neither checked nor compiled, and are
     * listed in {@link Loaded#skipped()}.
     */
    public static Loaded load(
            Path root,
            CompiledRuleCache cache,
            java.util.function.Predicate<RuleDefinition> include) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ThreadLocal<RuleCompiler> compilers =
                ThreadLocal.withInitial(() -> new RuleCompiler(cache));
        try (RuleSetRoot.Scope scope =
                RuleSetRoot.enter(Files.isDirectory(root) ? root : root.getParent())) {
            return loadSet(root, compilers::get, threads, include);
        }
    }

    public static Loaded load(Path root, RuleCompiler compiler) {
        try (RuleSetRoot.Scope scope =
                RuleSetRoot.enter(Files.isDirectory(root) ? root : root.getParent())) {
            return loadSet(root, () -> compiler, 1, d -> true);
        }
    }

    private static Loaded loadSet(
            Path root,
            Supplier<RuleCompiler> compiler,
            int threads,
            java.util.function.Predicate<RuleDefinition> include) {
        List<Entry> entries = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        List<Path> files;
        try {
            files = ruleFiles(root);
        } catch (IOException e) {
            problems.add(RuleProblem.of(root, 1, "cannot read the rule directory: " + e));
            return new Loaded(entries, problems);
        }
        // Parsed in file order on this thread; compiled in parallel; entries and problems are
        // collected in file order again, so the outcome does not depend on the threads.
        List<RuleDefinition> defs = new ArrayList<>();
        List<List<RuleProblem>> parseProblems = new ArrayList<>();
        List<RuleDefinition> skipped = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        for (Path file : files) {
            try {
                RuleDefinition def = RuleParser.parse(file);
                if (!include.test(def)) {
                    skipped.add(def);
                    continue;
                }
                defs.add(def);
                parseProblems.add(List.of());
            } catch (RuleValidationException e) {
                defs.add(null);
                parseProblems.add(e.problems());
            }
            kept.add(file);
        }
        files = kept;
        List<Object> compiled = compileAll(defs, compiler, threads);
        for (int i = 0; i < files.size(); i++) {
            RuleDefinition def = defs.get(i);
            if (def == null) {
                problems.addAll(parseProblems.get(i));
                entries.add(new Entry(files.get(i), null, null));
            } else if (compiled.get(i) instanceof CompiledRule c) {
                entries.add(new Entry(files.get(i), def, c));
            } else {
                problems.addAll(((RuleValidationException) compiled.get(i)).problems());
                entries.add(new Entry(files.get(i), def, null));
            }
        }
        return new Loaded(entries, problems, List.copyOf(skipped));
    }

    /** Each definition's compiled rule or the exception that refused it (null for null). */
    private static List<Object> compileAll(
            List<RuleDefinition> defs, Supplier<RuleCompiler> compiler, int threads) {
        Object[] out = new Object[defs.size()];
        Path set = RuleSetRoot.current();
        java.util.concurrent.atomic.AtomicInteger next =
                new java.util.concurrent.atomic.AtomicInteger();
        Runnable work =
                () -> {
                    try (RuleSetRoot.Scope scope = RuleSetRoot.enter(set)) {
                        for (int i = next.getAndIncrement();
                                i < out.length;
                                i = next.getAndIncrement()) {
                            RuleDefinition def = defs.get(i);
                            if (def == null) {
                                continue;
                            }
                            try {
                                out[i] = compiler.get().compile(def);
                            } catch (RuleValidationException e) {
                                out[i] = e;
                            }
                        }
                    }
                };
        int helpers = Math.min(threads, defs.size()) - 1;
        List<Thread> started = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < helpers; t++) {
            Thread th = new Thread(work, "rule-compiler-" + (t + 1));
            th.setDaemon(true);
            th.setUncaughtExceptionHandler((x, e) -> failures.add(e));
            th.start();
            started.add(th);
        }
        work.run();
        for (Thread th : started) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while compiling rules", e);
            }
        }
        if (!failures.isEmpty()) {
            Throwable f = failures.get(0);
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
        return java.util.Arrays.asList(out);
    }
}
