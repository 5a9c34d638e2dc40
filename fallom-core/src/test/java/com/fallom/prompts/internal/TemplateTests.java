package com.fallom.prompts.internal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Template}.
 */
class TemplateTests {

	@Test
	void replacesEveryOccurrenceOfAVariableInSystemAndUserStyleText() {
		Template template = Template.parse("Hello {{user_name}}! {{missing}} {{user_name}}");
		assertThat(template.render(Map.of("user_name", "Jo"))).isEqualTo("Hello Jo! {{missing}} Jo");
	}

	@Test
	void keepsAPlaceholderWithoutVariableExactlyAsWritten() {
		Template template = Template.parse("You help {{ company }} users. Tone: {{\ttone\n}}.");
		assertThat(template.render(Map.of("other", "x"))).isEqualTo("You help {{ company }} users. Tone: {{\ttone\n}}.");
		assertThat(template.render(Map.of("company", "Acme", "tone", "warm"))).isEqualTo("You help Acme users. Tone: warm.");
	}

	@Test
	void insertsDollarAndBackslashLiterally() {
		Template template = Template.parse("Price: {{price}} path: {{path}}");
		Map<String, Object> variables = Map.of("price", "$1 and $0 and ${x}", "path", "C:\\new\\1 \\g<0>");
		assertThat(template.render(variables)).isEqualTo("Price: $1 and $0 and ${x} path: C:\\new\\1 \\g<0>");
	}

	@Test
	void doesNotRenderPlaceholdersInsideValues() {
		Template template = Template.parse("{{a}} {{b}}");
		assertThat(template.render(Map.of("a", "{{b}}", "b", "B"))).isEqualTo("{{b}} B");
	}

	@Test
	void givesTheTemplateBackUnchangedForNullOrEmptyVariables() {
		String source = "Hi {{user_name}}, welcome!";
		Template template = Template.parse(source);
		assertThat(template.render(null)).isSameAs(source);
		assertThat(template.render(Map.of())).isSameAs(source);
	}

	@Test
	void rendersATemplateWithoutPlaceholdersAsItIs() {
		String source = "Plain user {not} {{ not closed";
		Template template = Template.parse(source);
		assertThat(template.variableNames()).isEmpty();
		assertThat(template.render(Map.of("not", "x"))).isSameAs(source);
	}

	@Test
	void takesOnlyPythonWordNames() {
		Template template = Template.parse("{{user.name}} {{user-name}} {{a b}} {{}} {{ }} {{{triple}}} {{_u1}} {{9lives}}");
		assertThat(template.variableNames()).containsExactly("triple", "_u1", "9lives");
		Map<String, Object> variables = Map.of("user.name", "no", "user-name", "no", "a b", "no", "triple", "T", "_u1",
				"U", "9lives", "cat");
		assertThat(template.render(variables)).isEqualTo("{{user.name}} {{user-name}} {{a b}} {{}} {{ }} {T} U cat");
	}

	@Test
	void takesUnicodeLettersAndNumbersAsPythonDoes() {
		// Python's \w: letters (ä, µ), decimal digits (Arabic-Indic ٠), other numbers (², Ⅻ).
		Template template = Template.parse("{{ä}} {{µ}} {{x٠}} {{x²}} {{Ⅻ}}");
		assertThat(template.variableNames()).containsExactly("ä", "µ", "x٠", "x²", "Ⅻ");
	}

	@Test
	void rejectsNamesThatJavaUnicodeWordWouldTakeButPythonDoesNot() {
		// A combining accent (e + U+0301), an undertie (U+203F) and a zero-width joiner are
		// \w for Java's UNICODE_CHARACTER_CLASS, not for Python.
		Template template = Template.parse("{{e\u0301}} {{a\u203Fb}} {{a\u200Db}}");
		assertThat(template.variableNames()).isEmpty();
		Map<String, Object> variables = Map.of("e\u0301", "x", "a\u203Fb", "x", "a\u200Db", "x");
		assertThat(template.render(variables)).isEqualTo("{{e\u0301}} {{a\u203Fb}} {{a\u200Db}}");
	}

	@Test
	void takesPythonWhitespaceAroundNames() {
		// U+001C is whitespace for Python's \s, not for Java's; U+3000 is for both.
		Template template = Template.parse("{{\u001Cname\u001F}} {{\u3000name\u00A0}}");
		assertThat(template.render(Map.of("name", "N"))).isEqualTo("N N");
	}

	@Test
	void rendersValuesAsPythonStrDoes() {
		Template template = Template.parse("{{flag}} {{count}} {{ratio}} {{nothing}} {{big}} {{list}}");
		Map<String, Object> variables = new HashMap<>();
		variables.put("flag", true);
		variables.put("count", 42L);
		variables.put("ratio", 0.5);
		variables.put("nothing", null);
		variables.put("big", 1e16);
		variables.put("list", List.of(1, 2));
		assertThat(template.render(variables)).isEqualTo("True 42 0.5 None 1e+16 [1, 2]");
	}

	@Test
	void readsVariablesFromAnyMap() {
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("x", new StringBuilder("built"));
		assertThat(Template.parse("{{x}}").render(variables)).isEqualTo("built");
	}

	@Test
	void keepsTextAroundPlaceholdersAtBothEnds() {
		assertThat(Template.parse("{{a}}").render(Map.of("a", "A"))).isEqualTo("A");
		assertThat(Template.parse("<{{a}}{{b}}>").render(Map.of("a", "A", "b", "B"))).isEqualTo("<AB>");
		assertThat(Template.parse("").render(Map.of("a", "A"))).isEmpty();
	}

	@Test
	void toStringShowsNoText() {
		assertThat(Template.parse("secret {{x}}")).hasToString("Template[1 placeholder(s), 12 chars]");
	}

}
