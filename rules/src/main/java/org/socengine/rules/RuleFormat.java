package org.socengine.rules;

/**
 * Another language rule files may be written in (Sigma), compiled to the engine's own rule form
 * when a rule file is read. Found by name at run time, so that the rule model does not depend on
 * the compilers built on it.
 */
public interface RuleFormat {

    /** True when the text is a rule of this format (decided on its top-level keys). */
    boolean accepts(String yaml);

    /** The rule compiled to the engine's form, or every reason it cannot be. */
    RuleDefinition parse(String file, String yaml) throws RuleValidationException;
}
