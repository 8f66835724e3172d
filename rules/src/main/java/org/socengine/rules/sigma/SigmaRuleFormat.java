package org.socengine.rules.sigma;

import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleFormat;
import org.socengine.rules.RuleValidationException;

/** Sigma rule files among the native ones: compiled with the built-in mapping. */
public final class SigmaRuleFormat implements RuleFormat {

    private final SigmaCompiler compiler = new SigmaCompiler();

    @Override
    public boolean accepts(String yaml) {
        return SigmaCompiler.isSigma(yaml);
    }

    @Override
    public RuleDefinition parse(String file, String yaml) throws RuleValidationException {
        return compiler.compile(file, yaml);
    }
}
